import { describe, expect, test } from 'vitest'
import { GATEWAY, PRODUCTPAGE, RATINGS, record, REVIEWS_V2 } from '../../test/e2e/telemetry-fixtures.ts'
import type { RequestRecord } from './record.ts'
import { SpanStore } from './span-store.ts'
import { toJaeger } from './trace-export-jaeger.ts'
import { toOtlp } from './trace-export-otlp.ts'
import { toZipkin } from './trace-export-zipkin.ts'
import { formatTraceTree } from './trace-tree.ts'

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736'
const t0 = Date.UTC(2026, 10, 25, 12, 0, 0)

/** One page load as the sidecars report it: ingress → productpage → reviews-v2 → ratings. */
function pageLoad(traceId = TRACE): RequestRecord[] {
  const span = (spanId: string, parentSpanId?: string) => ({ traceId, spanId, parentSpanId, sampled: true })
  const hop = (src: typeof GATEWAY, dst: typeof GATEWAY, service: string, path: string, ids: [string, string, string | undefined], start: number, ms: number) => [
    record({ reporter: 'source', source: src, destination: dst, destinationService: `${service}.default.svc.cluster.local`, authority: `${service}:9080`, path, span: span(ids[0], ids[2]), startEpochMs: t0 + start, durationMs: ms, upstreamCluster: `outbound|9080||${service}.default.svc.cluster.local` }),
    record({ reporter: 'destination', source: src, destination: dst, destinationService: `${service}.default.svc.cluster.local`, authority: `${service}:9080`, path, span: span(ids[1], ids[0]), startEpochMs: t0 + start + 0.2, durationMs: ms - 0.4, upstreamCluster: 'inbound|9080||' }),
  ]
  return [
    ...hop(REVIEWS_V2, RATINGS, 'ratings', '/ratings/0', ['0000000000000005', '0000000000000006', '0000000000000004'], 6, 2),
    ...hop(PRODUCTPAGE, REVIEWS_V2, 'reviews', '/reviews/0', ['0000000000000003', '0000000000000004', '0000000000000002'], 5, 9),
    ...hop(GATEWAY, PRODUCTPAGE, 'productpage', '/productpage', ['0000000000000001', '0000000000000002', undefined], 0, 20),
  ]
}

describe('spans and trace export', () => {
  const store = new SpanStore()
  for (const r of pageLoad()) store.record(r)
  store.record(record({ mirrored: true, span: { traceId: 'f'.repeat(32), spanId: '1'.repeat(16), sampled: false } }))
  const traces = store.list()

  test('records become CLIENT/SERVER spans with Envoy names and semconv attributes; mirrors are not kept', () => {
    expect(traces).toHaveLength(1)
    const spans = traces[0]!.spans
    expect(spans.map((s) => `${s.kind} ${s.workload} ${s.name}`)).toEqual([
      'CLIENT istio-ingressgateway productpage.default.svc.cluster.local:9080/*',
      'SERVER productpage-v1 productpage.default.svc.cluster.local:9080/*',
      'CLIENT productpage-v1 reviews.default.svc.cluster.local:9080/*',
      'SERVER reviews-v2 reviews.default.svc.cluster.local:9080/*',
      'CLIENT reviews-v2 ratings.default.svc.cluster.local:9080/*',
      'SERVER ratings-v1 ratings.default.svc.cluster.local:9080/*',
    ])
    expect(spans[2]!.serviceName).toBe('productpage.default')
    expect(spans[2]!.attributes).toMatchObject({
      'http.request.method': 'GET',
      'http.response.status_code': 200,
      'url.path': '/reviews/0',
      'server.address': 'reviews',
      'server.port': 9080,
      'user_agent.original': 'python-requests/2.31.0',
      response_flags: '-',
      upstream_cluster: 'outbound|9080||reviews.default.svc.cluster.local',
      'istio.canonical_service': 'productpage',
      'guid:x-request-id': '84961386-6d84-929d-98bd-c5aee93b5c88',
      node_id: 'sidecar~127.0.0.1~productpage-v1.default~default.svc.cluster.local',
    })
    expect(spans[0]!.parentSpanId).toBeUndefined()
    expect(spans[0]!.attributes.node_id).toMatch(/^router~/)
  })

  test('the tree reads like the call graph', () => {
    expect(formatTraceTree(traces[0]!)).toBe(
      [
        `trace ${TRACE} · 6 spans · 20.0ms · GET /productpage`,
        'istio-ingressgateway → productpage-v1  GET /productpage  200  20.0ms',
        '└─ productpage-v1 → reviews-v2  GET /reviews/0  200  9.0ms',
        '   └─ reviews-v2 → ratings-v1  GET /ratings/0  200  2.0ms',
      ].join('\n'),
    )
  })

  test('OTLP/JSON: resourceSpans per workload with service.name, hex ids, nanosecond strings, kinds, error status', () => {
    const failing = new SpanStore()
    for (const r of pageLoad()) failing.record(r.path === '/ratings/0' ? { ...r, status: 503 } : r)
    const otlp = toOtlp(failing.list())
    expect(otlp.resourceSpans.map((rs) => rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue).sort()).toEqual([
      'istio-ingressgateway.default',
      'productpage.default',
      'ratings.default',
      'reviews.default',
    ])
    const spans = otlp.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans))
    expect(spans).toHaveLength(6)
    for (const s of spans) {
      expect(s.traceId).toMatch(/^[0-9a-f]{32}$/)
      expect(s.spanId).toMatch(/^[0-9a-f]{16}$/)
      if (s.parentSpanId !== undefined) expect(s.parentSpanId).toMatch(/^[0-9a-f]{16}$/)
      expect(s.startTimeUnixNano).toMatch(/^\d{19}$/)
      expect(BigInt(s.endTimeUnixNano)).toBeGreaterThan(BigInt(s.startTimeUnixNano))
      expect([2, 3]).toContain(s.kind)
      for (const a of s.attributes) expect(Object.keys(a.value)).toHaveLength(1)
    }
    expect(spans.find((s) => s.kind === 3 && s.name.startsWith('ratings'))?.status).toEqual({ code: 2, message: '503' })
    expect(spans.find((s) => s.name.startsWith('reviews'))?.status).toEqual({ code: 0 })
    const status = spans[0]!.attributes.find((a) => a.key === 'http.response.status_code')
    expect(status?.value).toEqual({ intValue: expect.stringMatching(/^\d+$/) })
    expect(BigInt(spans.find((s) => s.name.startsWith('productpage') && s.kind === 3)!.startTimeUnixNano)).toBe(BigInt(t0) * 1_000_000n)
  })

  test('Jaeger JSON: data[] of traces with CHILD_OF references, µs times, typed tags and processes', () => {
    const jaeger = toJaeger(traces)
    expect(jaeger.data).toHaveLength(1)
    const trace = jaeger.data[0]!
    expect(trace.traceID).toBe(TRACE)
    const ids = new Set(trace.spans.map((s) => s.spanID))
    for (const s of trace.spans) {
      expect(trace.processes[s.processID]?.serviceName).toMatch(/\.default$/)
      expect(Number.isInteger(s.startTime) && Number.isInteger(s.duration)).toBe(true)
      expect(String(s.startTime)).toHaveLength(16) // microseconds since the epoch
      for (const ref of s.references) {
        expect(ref.refType).toBe('CHILD_OF')
        expect(ids.has(ref.spanID)).toBe(true)
      }
      for (const tag of s.tags) expect(typeof tag.value === { string: 'string', int64: 'number', float64: 'number', bool: 'boolean' }[tag.type]).toBe(true)
      expect(s.tags.find((t) => t.key === 'span.kind')?.value).toMatch(/^(client|server)$/)
    }
    expect(trace.spans.filter((s) => s.references.length === 0)).toHaveLength(1)
    expect(Object.keys(trace.processes)).toHaveLength(4)
  })

  test('Zipkin v2: a flat array with parentId, CLIENT/SERVER kinds, µs times and string tags', () => {
    const zipkin = toZipkin(traces)
    expect(zipkin).toHaveLength(6)
    for (const s of zipkin) {
      expect(s.traceId).toMatch(/^[0-9a-f]{32}$/)
      expect(s.id).toMatch(/^[0-9a-f]{16}$/)
      expect(['CLIENT', 'SERVER']).toContain(s.kind)
      expect(s.duration).toBeGreaterThanOrEqual(1)
      expect(typeof s.localEndpoint.serviceName).toBe('string')
      for (const v of Object.values(s.tags)) expect(typeof v).toBe('string')
    }
    expect(zipkin.filter((s) => s.parentId === undefined)).toHaveLength(1)
  })

  test('the store keeps the latest traces and finds one by id', () => {
    const small = new SpanStore({ maxTraces: 2 })
    for (const id of ['a', 'b', 'c']) for (const r of pageLoad(id.repeat(32))) small.record(r)
    expect(small.list().map((t) => t.traceId[0])).toEqual(['b', 'c'])
    expect(small.list({ limit: 1 }).map((t) => t.traceId[0])).toEqual(['c'])
    expect(small.list({ traceId: 'B'.repeat(32) })).toHaveLength(1)
    expect(small.list({ traceId: 'a'.repeat(32) })).toHaveLength(0)
  })
})
