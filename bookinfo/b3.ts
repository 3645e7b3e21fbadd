/**
 * productpage's B3 handling: OpenTelemetry's B3 multi-header propagator, extract then inject.
 * For well-formed input traceid, spanid and sampled come out unchanged; parentspanid and flags are
 * dropped, because the extracted context has no room for them.
 */
import type { IncomingHttpHeaders } from 'node:http'
import type { ForwardHeaders } from './headers.ts'

interface B3Context {
  readonly traceId: string
  readonly spanId: string
  readonly sampled: boolean
}

const TRACE_ID = /^(?:[\da-f]{16}|[\da-f]{32})$/i
const SPAN_ID = /^[\da-f]{16}$/i
/** The values OpenTelemetry's B3 extractor reads as "sampled". */
const SAMPLED_VALUES: ReadonlySet<string> = new Set(['1', 'True', 'true', 'd'])

/** The x-b3-* headers productpage sends on: none when the incoming context is missing or malformed. */
export function reinjectB3(incoming: IncomingHttpHeaders): ForwardHeaders {
  const ctx = extractB3(incoming)
  if (!ctx) return {}
  return {
    'x-b3-traceid': ctx.traceId,
    'x-b3-spanid': ctx.spanId,
    'x-b3-sampled': ctx.sampled ? '1' : '0',
  }
}

/** The single `b3` header wins over the multi headers, as in OpenTelemetry. */
export function extractB3(incoming: IncomingHttpHeaders): B3Context | undefined {
  const single = first(incoming.b3)
  const parts = single ? fromSingleHeader(single) : {
    traceId: first(incoming['x-b3-traceid']),
    spanId: first(incoming['x-b3-spanid']),
    sampled: first(incoming['x-b3-sampled']) ?? '0',
    flags: first(incoming['x-b3-flags']),
  }
  const { traceId, spanId } = parts
  if (!traceId || !spanId || !TRACE_ID.test(traceId) || !SPAN_ID.test(spanId)) return undefined
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined // the invalid (all-zero) context
  return {
    traceId: traceId.toLowerCase().padStart(32, '0'), // a 64-bit id is written back as 128-bit
    spanId: spanId.toLowerCase(),
    sampled: SAMPLED_VALUES.has(parts.sampled) || parts.flags === '1', // debug implies sampled
  }
}

/** `{traceid}-{spanid}[-{sampled}[-{parentspanid}]]`, or just `{sampled}`. */
function fromSingleHeader(value: string) {
  const fields = value.split('-')
  if (fields.length === 1) return { traceId: undefined, spanId: undefined, sampled: fields[0]!, flags: undefined }
  if (fields.length > 4) return { traceId: undefined, spanId: undefined, sampled: '0', flags: undefined }
  // a deferred decision (no sampled field) is read as sampled, as OpenTelemetry does
  return { traceId: fields[0], spanId: fields[1], sampled: fields[2] ?? '1', flags: undefined }
}

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)
