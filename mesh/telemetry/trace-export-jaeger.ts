/**
 * Traces as Jaeger's own JSON (what its query API returns and what every Jaeger UI since 1.1 loads
 * via "Load JSON File"): `{"data":[{traceID, spans, processes}]}`, microsecond times, typed tags.
 */
import { spanMicros, type MeshSpan, type MeshTrace, type SpanAttributes } from './span.ts'

/** A typed tag, as the Jaeger query API returns them. */
export interface JaegerTag {
  readonly key: string
  readonly type: 'string' | 'int64' | 'float64' | 'bool'
  readonly value: string | number | boolean
}
/** A span of the Jaeger JSON format. */
export interface JaegerSpan {
  readonly traceID: string
  readonly spanID: string
  readonly flags: number
  readonly operationName: string
  readonly references: readonly { readonly refType: 'CHILD_OF'; readonly traceID: string; readonly spanID: string }[]
  /** Microseconds since the epoch. */
  readonly startTime: number
  /** Microseconds. */
  readonly duration: number
  readonly tags: readonly JaegerTag[]
  readonly logs: readonly never[]
  readonly processID: string
  readonly warnings: null
}
/** One trace with its processes (one per workload). */
export interface JaegerTrace {
  readonly traceID: string
  readonly spans: readonly JaegerSpan[]
  readonly processes: Readonly<Record<string, { readonly serviceName: string; readonly tags: readonly JaegerTag[] }>>
  readonly warnings: null
}
/** The query API's envelope, which the UI's file upload expects. */
export interface JaegerExport {
  readonly data: readonly JaegerTrace[]
  readonly total: number
  readonly limit: number
  readonly offset: number
  readonly errors: null
}

/** One `data` entry per trace. */
export function toJaeger(traces: readonly MeshTrace[]): JaegerExport {
  return { data: traces.map(jaegerTrace), total: 0, limit: 0, offset: 0, errors: null }
}

function jaegerTrace(trace: MeshTrace): JaegerTrace {
  const processIds = new Map<string, string>()
  const processes: Record<string, { serviceName: string; tags: JaegerTag[] }> = {}
  const processOf = (s: MeshSpan) => {
    let id = processIds.get(s.workload)
    if (!id) {
      id = `p${processIds.size + 1}`
      processIds.set(s.workload, id)
      processes[id] = { serviceName: s.serviceName, tags: jaegerTags({ hostname: s.workload, 'istio.namespace': String(s.attributes['istio.namespace'] ?? 'default') }) }
    }
    return id
  }
  const spans = trace.spans.map((s) => {
    const { startUs, endUs } = spanMicros(s)
    return {
      traceID: s.traceId,
      spanID: s.spanId,
      flags: 1,
      operationName: s.name,
      references: s.parentSpanId ? [{ refType: 'CHILD_OF' as const, traceID: s.traceId, spanID: s.parentSpanId }] : [],
      startTime: startUs,
      duration: endUs - startUs,
      tags: jaegerTags({ ...s.attributes, 'span.kind': s.kind.toLowerCase(), ...(s.error ? { error: true } : {}) }),
      logs: [],
      processID: processOf(s),
      warnings: null,
    }
  })
  return { traceID: trace.traceId, spans, processes, warnings: null }
}

function jaegerTags(attributes: SpanAttributes): JaegerTag[] {
  return Object.entries(attributes).map(([key, value]) => ({
    key,
    type: typeof value === 'boolean' ? 'bool' : typeof value === 'number' ? (Number.isInteger(value) ? 'int64' : 'float64') : 'string',
    value,
  }))
}
