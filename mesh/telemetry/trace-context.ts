/**
 * Trace context on the wire: W3C `traceparent`/`tracestate` and Zipkin B3 (multi-header and the
 * single `b3` header). Sidecars accept any of them and emit both W3C and B3 multi, as Istio users expect.
 */
import { randomInt } from 'node:crypto'
import { sfc32 } from '../random.ts'
import { headerValue, type HeaderMap, type SpanContext } from '../filter.ts'

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/

/** The caller's span, if the request carries one in any supported format. */
export function extractContext(headers: HeaderMap): SpanContext | undefined {
  const tp = headerValue(headers, 'traceparent')
  const w3c = tp ? TRACEPARENT.exec(tp.trim().toLowerCase()) : null
  if (w3c && !/^0+$/.test(w3c[1]!) && !/^0+$/.test(w3c[2]!)) {
    return { traceId: w3c[1]!, spanId: w3c[2]!, sampled: (parseInt(w3c[3]!, 16) & 1) === 1 }
  }
  const traceId = headerValue(headers, 'x-b3-traceid')
  const spanId = headerValue(headers, 'x-b3-spanid')
  if (traceId && spanId && /^[0-9a-f]{16}([0-9a-f]{16})?$/i.test(traceId) && /^[0-9a-f]{16}$/i.test(spanId)) {
    const sampledHeader = headerValue(headers, 'x-b3-sampled') ?? '1'
    const debug = headerValue(headers, 'x-b3-flags') === '1'
    return { traceId: traceId.toLowerCase().padStart(32, '0'), spanId: spanId.toLowerCase(), sampled: debug || sampledHeader === '1' || sampledHeader === 'true' }
  }
  const single = headerValue(headers, 'b3')
  if (single) {
    const [t, s, flag] = single.split('-')
    if (t && s && /^[0-9a-f]{16}([0-9a-f]{16})?$/i.test(t) && /^[0-9a-f]{16}$/i.test(s)) {
      return { traceId: t.toLowerCase().padStart(32, '0'), spanId: s.toLowerCase(), sampled: flag !== '0' }
    }
  }
  return undefined
}

/** Makes random hex ids of `bytes` bytes. */
export type IdSource = (bytes: 8 | 16) => string

/**
 * Span and trace ids from a fast generator seeded once from the OS (crypto per id would cost a
 * C++ round trip twice per request on every sidecar). Not the mesh seed: ids must differ between
 * runs so exported traces never collide.
 */
export function spanIds(): IdSource {
  const draw = sfc32(randomInt(2 ** 31), randomInt(2 ** 31))
  // Two hex digits per table lookup: Number#toString(16) and padStart cost more, twice per request.
  const word = () => {
    const n = (draw() * 4294967296) >>> 0
    return HEX_BYTE[n >>> 24]! + HEX_BYTE[(n >>> 16) & 0xff]! + HEX_BYTE[(n >>> 8) & 0xff]! + HEX_BYTE[n & 0xff]!
  }
  return (bytes) => (bytes === 8 ? word() + word() : word() + word() + word() + word())
}

const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

/** A new span: a child of `parent`, or the root of a new trace. */
export function childSpan(parent: SpanContext | undefined, ids: IdSource, sampled = true): SpanContext {
  const spanId = ids(8)
  if (!parent) return { traceId: ids(16), spanId, sampled }
  return { traceId: parent.traceId, spanId, parentSpanId: parent.spanId, sampled: parent.sampled && sampled }
}

/** Headers that carry `span` downstream: W3C plus B3 multi (keeping the caller's tracestate). */
export function contextHeaders(span: SpanContext): HeaderMap {
  const flag = span.sampled ? '1' : '0'
  return {
    traceparent: `00-${span.traceId}-${span.spanId}-0${flag}`,
    'x-b3-traceid': span.traceId,
    'x-b3-spanid': span.spanId,
    'x-b3-parentspanid': span.parentSpanId,
    'x-b3-sampled': flag,
    b3: undefined,
  }
}
