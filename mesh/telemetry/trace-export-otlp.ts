/**
 * Traces as OTLP/JSON (`ExportTraceServiceRequest`): what any OpenTelemetry collector accepts on
 * `POST :4318/v1/traces` and what the Jaeger UI (≥ 1.55) loads from a file. One resource per
 * workload, with Istio's service name (`reviews.default`). IDs are hex, times nanosecond strings.
 */
import { spanMicros, type MeshSpan, type MeshTrace, type SpanAttributes } from './span.ts'

/** An OTLP attribute value: exactly one field is set. */
export interface OtlpAnyValue {
  readonly stringValue?: string
  readonly intValue?: string
  readonly doubleValue?: number
  readonly boolValue?: boolean
}
/** An OTLP attribute. */
export interface OtlpKeyValue {
  readonly key: string
  readonly value: OtlpAnyValue
}
/** A span of `ExportTraceServiceRequest` in the proto3 JSON mapping. */
export interface OtlpSpan {
  readonly traceId: string
  readonly spanId: string
  readonly parentSpanId?: string
  readonly name: string
  /** 2 = SERVER, 3 = CLIENT. */
  readonly kind: 2 | 3
  readonly startTimeUnixNano: string
  readonly endTimeUnixNano: string
  readonly attributes: readonly OtlpKeyValue[]
  /** 0 = unset, 2 = error. */
  readonly status: { readonly code: 0 | 2; readonly message?: string }
}
/** The request body `POST /v1/traces` takes. */
export interface OtlpTraces {
  readonly resourceSpans: readonly {
    readonly resource: { readonly attributes: readonly OtlpKeyValue[] }
    readonly scopeSpans: readonly { readonly scope: { readonly name: string }; readonly spans: readonly OtlpSpan[] }[]
  }[]
}

/** Groups spans by workload into resources; each resource has one scope (`meshdojo`). */
export function toOtlp(traces: readonly MeshTrace[]): OtlpTraces {
  const byWorkload = new Map<string, { first: MeshSpan; spans: OtlpSpan[] }>()
  for (const trace of traces) {
    for (const span of trace.spans) {
      let group = byWorkload.get(span.workload)
      if (!group) byWorkload.set(span.workload, (group = { first: span, spans: [] }))
      group.spans.push(otlpSpan(span))
    }
  }
  return {
    resourceSpans: [...byWorkload.values()].map(({ first, spans }) => ({
      resource: { attributes: otlpAttributes(resourceAttributes(first)) },
      scopeSpans: [{ scope: { name: 'meshdojo' }, spans }],
    })),
  }
}

function otlpSpan(s: MeshSpan): OtlpSpan {
  const { startUs, endUs } = spanMicros(s)
  return {
    traceId: s.traceId,
    spanId: s.spanId,
    ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
    name: s.name,
    kind: s.kind === 'SERVER' ? 2 : 3,
    startTimeUnixNano: nanosOfMicros(startUs),
    endTimeUnixNano: nanosOfMicros(endUs),
    attributes: otlpAttributes(s.attributes),
    status: s.error ? { code: 2, message: String(s.statusCode) } : { code: 0 },
  }
}

function resourceAttributes(s: MeshSpan): SpanAttributes {
  const version = s.attributes['istio.canonical_revision']
  return {
    'service.name': s.serviceName,
    ...(typeof version === 'string' && version !== 'latest' ? { 'service.version': version } : {}),
    'k8s.namespace.name': String(s.attributes['istio.namespace'] ?? 'default'),
    'meshdojo.workload': s.workload,
  }
}

/** Attributes as OTLP key/values: integers as int64 strings, other numbers as doubles. */
export function otlpAttributes(attributes: SpanAttributes): OtlpKeyValue[] {
  return Object.entries(attributes).map(([key, v]) => ({
    key,
    value:
      typeof v === 'boolean'
        ? { boolValue: v }
        : typeof v === 'number'
          ? Number.isInteger(v)
            ? { intValue: String(v) } // int64 is a string in the proto3 JSON mapping
            : { doubleValue: v }
          : { stringValue: v },
  }))
}

/** Whole microseconds → nanoseconds as a decimal string (int64 is a string in the proto3 JSON mapping). */
const nanosOfMicros = (us: number): string => `${BigInt(us) * 1000n}`
