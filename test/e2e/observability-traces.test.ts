/** Traces over a running Bookinfo: one page load, one trace, the expected tree, three export formats, the broken-trace switch. */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { request } from 'undici'
import { parsePrometheusText, sampleSum } from '../../mesh/telemetry/prometheus-text.ts'
import type { JaegerExport } from '../../mesh/telemetry/trace-export-jaeger.ts'
import type { OtlpTraces } from '../../mesh/telemetry/trace-export-otlp.ts'
import type { ZipkinSpan } from '../../mesh/telemetry/trace-export-zipkin.ts'
import { eventually } from '../support/mesh.ts'
import { startObservedMesh, type ObservedMesh } from './telemetry-harness.ts'

const reviewsTo = (subset: string, mirror?: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews }
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: { host: reviews, subset: ${subset} }
${mirror ? `    mirror: { host: reviews, subset: ${mirror} }\n    mirrorPercentage: { value: 100 }\n` : ''}`

describe('traces', () => {
  let m: ObservedMesh
  /** Loads one page and waits until the ingress gateway (the last to finish) has reported it. */
  const pageLoad = async (): Promise<void> => {
    const before = m.mesh.records.filter((r) => r.source.workload === 'istio-ingressgateway' && r.reporter === 'source').length
    expect((await m.mesh.page()).status).toBe(200)
    await eventually(() => (m.mesh.records.filter((r) => r.source.workload === 'istio-ingressgateway' && r.reporter === 'source').length > before ? true : undefined), 'the page load reported')
  }
  const jaeger = async (query: string) => JSON.parse((await m.get(`/traces?format=jaeger&${query}`)).text) as JaegerExport

  beforeAll(async () => {
    m = await startObservedMesh()
    await m.applySamples('destination-rule-all.yaml')
    m.mesh.config.applyText(reviewsTo('v2'), 'reviews-v2.yaml')
  })
  afterAll(() => m.close())

  test('one page load is one trace: ingress → productpage → details, productpage → reviews-v2 → ratings', async () => {
    await pageLoad()
    const { data } = await jaeger('limit=1')
    expect(data).toHaveLength(1)
    const trace = data[0]!
    const spans = trace.spans
    expect(spans).toHaveLength(8)
    const byId = new Map(spans.map((s) => [s.spanID, s]))
    const kind = (s: (typeof spans)[number]) => s.tags.find((t) => t.key === 'span.kind')?.value
    const host = (s: (typeof spans)[number]) => s.tags.find((t) => t.key === 'node_id')?.value
    const roots = spans.filter((s) => s.references.length === 0)
    expect(roots).toHaveLength(1)
    expect(kind(roots[0]!)).toBe('client')
    expect(String(host(roots[0]!))).toContain('istio-ingressgateway')
    for (const s of spans) {
      expect(s.traceID).toBe(trace.traceID)
      if (s.references.length === 0) continue
      const parent = byId.get(s.references[0]!.spanID)
      expect(parent, `parent of ${s.operationName}`).toBeDefined()
      // A server span's parent is its caller's client span; a client span's parent is its own workload's server span.
      expect(kind(parent!)).toBe(kind(s) === 'server' ? 'client' : 'server')
    }
    const tree = (await m.get(`/traces?format=tree&traceId=${trace.traceID}`)).text
    expect(tree.split('\n').slice(1, 5).map((l) => l.replace(/ {2}GET.*$/, ''))).toEqual([
      'istio-ingressgateway → productpage-v1',
      '├─ productpage-v1 → details-v1',
      '└─ productpage-v1 → reviews-v2',
      '   └─ reviews-v2 → ratings-v1',
    ])
  })

  test('exports: OTLP (default) with one resource per workload, Jaeger, Zipkin; bad input is a 400/404', async () => {
    await pageLoad()
    const otlp = JSON.parse((await m.get('/traces?limit=1')).text) as OtlpTraces
    const services = otlp.resourceSpans.map((rs) => rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue).sort()
    expect(services).toEqual(['details.default', 'istio-ingressgateway.default', 'productpage.default', 'ratings.default', 'reviews.default'])
    expect(otlp.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((s) => s.spans))).toHaveLength(8)
    const zipkin = JSON.parse((await m.get('/traces?format=zipkin&limit=1')).text) as ZipkinSpan[]
    expect(zipkin).toHaveLength(8)
    expect(new Set(zipkin.map((s) => s.kind))).toEqual(new Set(['CLIENT', 'SERVER']))
    const both = await m.get('/traces?format=jaeger&limit=2')
    expect(both.headers['x-meshdojo-traces']).toBe('2')
    expect((await m.get('/traces?format=xml')).status).toBe(400)
    expect((await m.get('/traces?limit=0')).status).toBe(400)
    expect((await m.get(`/traces?traceId=${'0'.repeat(32)}`)).status).toBe(404)
  })

  test('every span lies inside its parent, and OTLP, Jaeger and Zipkin agree on every start and end to the µs', async () => {
    for (let i = 0; i < 15; i++) await pageLoad()
    const otlp = JSON.parse((await m.get('/traces?limit=15')).text) as OtlpTraces
    const jaegerSpans = (await jaeger('limit=15')).data.flatMap((t) => t.spans)
    const zipkin = JSON.parse((await m.get('/traces?format=zipkin&limit=15')).text) as ZipkinSpan[]
    const otlpSpans = otlp.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((s) => s.spans))
    expect(otlpSpans.length).toBeGreaterThanOrEqual(15 * 8)
    // Integer nanoseconds from OTLP, microseconds from the other two.
    const ns = new Map(otlpSpans.map((s) => [s.spanId, { start: BigInt(s.startTimeUnixNano), end: BigInt(s.endTimeUnixNano), parent: s.parentSpanId }]))
    const jaegerById = new Map(jaegerSpans.map((s) => [s.spanID, s]))
    const zipkinById = new Map(zipkin.map((s) => [s.id, s]))
    const outside: string[] = []
    for (const [id, span] of ns) {
      const j = jaegerById.get(id)!
      const z = zipkinById.get(id)!
      expect([BigInt(j.startTime) * 1000n, BigInt(j.startTime + j.duration) * 1000n], `jaeger ${id}`).toEqual([span.start, span.end])
      expect([BigInt(z.timestamp) * 1000n, BigInt(z.timestamp + z.duration) * 1000n], `zipkin ${id}`).toEqual([span.start, span.end])
      const parent = span.parent ? ns.get(span.parent) : undefined
      if (parent && (span.start < parent.start || span.end > parent.end)) outside.push(`${j.operationName} ${id}`)
    }
    expect(outside).toEqual([])
  })

  test('mirror copies are counted at the destination but never traced', async () => {
    m.mesh.config.applyText(reviewsTo('v1', 'v3'), 'reviews-mirror.yaml')
    await pageLoad()
    await eventually(() => (m.mesh.records.some((r) => r.mirrored && r.destination.workload === 'reviews-v3') ? true : undefined), 'the mirror copy')
    const [trace] = (await jaeger('limit=1')).data
    const workloads = new Set(trace!.spans.map((s) => String(s.tags.find((t) => t.key === 'node_id')?.value).split('~')[2]))
    expect(workloads.has('reviews-v1.default')).toBe(true)
    expect(workloads.has('reviews-v3.default')).toBe(false)
    const families = parsePrometheusText((await m.get('/metrics')).text)
    expect(sampleSum(families, 'istio_requests_total', { reporter: 'destination', destination_workload: 'reviews-v3' })).toBeGreaterThan(0)
    expect(sampleSum(families, 'istio_requests_total', { reporter: 'source', destination_workload: 'reviews-v3' })).toBe(0)
    m.mesh.config.applyText(reviewsTo('v2'), 'reviews-v2.yaml')
  })

  test('turning off productpage propagation breaks the page into three traces; turning it on mends it', async () => {
    const post = async (path: string, body?: string) => {
      const res = await request(`${m.admin.url}${path}`, { method: 'POST', body, headers: body ? { 'content-type': 'application/json' } : {} })
      return { status: res.statusCode, json: (await res.body.json()) as Record<string, unknown> }
    }
    expect(await post('/workloads/productpage-v1/trace-propagation', '{"on":false}')).toEqual({ status: 200, json: { workload: 'productpage-v1', tracePropagation: false } })
    const before = m.obs.spans.size
    await pageLoad()
    const traces = (await jaeger('limit=3')).data
    expect(m.obs.spans.size - before).toBe(3)
    const shapes = traces.map((t) => t.spans.length).sort()
    expect(shapes).toEqual([2, 2, 4]) // ingress→productpage; productpage→details; productpage→reviews→ratings
    const tree = (await m.get('/traces?format=tree&limit=3')).text
    expect(tree).toMatch(/^productpage-v1 → details-v1 {2}GET/m)

    expect((await post('/workloads/productpage-v1/trace-propagation?on=true')).status).toBe(200)
    const mended = m.obs.spans.size
    await pageLoad()
    expect(m.obs.spans.size - mended).toBe(1)

    const unknown = await post('/workloads/nosuch/trace-propagation?on=false')
    expect(unknown.status).toBe(404)
    expect(unknown.json.workloads).toContain('reviews-v2')
    expect((await post('/workloads/productpage-v1/trace-propagation?on=maybe')).status).toBe(400)
    expect((await m.get('/workloads/productpage-v1/trace-propagation')).status).toBe(405)
  })

  test('switching propagation while pages are in flight drops none of them', async () => {
    m.mesh.config.applyText(
      `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ratings }
spec:
  hosts: [ratings]
  http:
  - fault: { delay: { fixedDelay: 300ms, percentage: { value: 100 } } }
    route: [{ destination: { host: ratings } }]
`,
      'ratings-delay.yaml',
    )
    try {
      const detailsCalls = () => m.mesh.records.filter((r) => r.reporter === 'source' && r.source.workload === 'productpage-v1' && r.destination.workload === 'details-v1').length
      const before = detailsCalls()
      const pages = Array.from({ length: 6 }, () => m.mesh.page())
      // Every page is inside productpage (details answered, reviews is waiting on the delayed ratings).
      await eventually(() => (detailsCalls() - before >= 6 ? true : undefined), 'six pages inside productpage')
      for (const w of ['productpage-v1', 'reviews-v2']) await m.mesh.workload(w).setTracePropagation(false)
      const statuses = (await Promise.all(pages)).map((p) => [p.status, p.body.includes('glyphicon-star')])
      expect(statuses).toEqual(Array.from({ length: 6 }, () => [200, true]))
    } finally {
      for (const w of ['productpage-v1', 'reviews-v2']) await m.mesh.workload(w).setTracePropagation(true)
      m.mesh.config.delete('VirtualService', 'ratings')
    }
  })
})
