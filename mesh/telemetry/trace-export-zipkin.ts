/**
 * Traces as Zipkin v2 JSON: a flat array of spans, as `POST /api/v2/spans` takes and the Zipkin UI
 * loads from a file. Microsecond times; tags are strings; `error` tag on failures (Zipkin's rule).
 */
import { spanMicros, type MeshTrace } from './span.ts'

/** A span of the Zipkin v2 JSON format. */
export interface ZipkinSpan {
  readonly traceId: string
  readonly id: string
  readonly parentId?: string
  readonly name: string
  readonly kind: 'CLIENT' | 'SERVER'
  /** Microseconds since the epoch. */
  readonly timestamp: number
  /** Microseconds, at least 1. */
  readonly duration: number
  readonly localEndpoint: { readonly serviceName: string }
  readonly tags: Readonly<Record<string, string>>
}

/** Every span of every trace, in one array. */
export function toZipkin(traces: readonly MeshTrace[]): ZipkinSpan[] {
  return traces.flatMap((trace) =>
    trace.spans.map((s) => {
      const tags: Record<string, string> = {}
      for (const [k, v] of Object.entries(s.attributes)) tags[k] = String(v)
      if (s.error) tags.error = String(s.statusCode)
      const { startUs, endUs } = spanMicros(s)
      return {
        traceId: s.traceId,
        id: s.spanId,
        ...(s.parentSpanId ? { parentId: s.parentSpanId } : {}),
        name: s.name,
        kind: s.kind,
        timestamp: startUs,
        duration: endUs - startUs,
        localEndpoint: { serviceName: s.serviceName },
        tags,
      }
    }),
  )
}
