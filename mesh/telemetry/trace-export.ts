/** The trace export formats by name, for the admin API and `meshdojo traces --format`. */
import type { MeshTrace } from './span.ts'
import { toJaeger } from './trace-export-jaeger.ts'
import { toOtlp } from './trace-export-otlp.ts'
import { toZipkin } from './trace-export-zipkin.ts'

/** A supported export format. */
export type TraceFormat = 'otlp' | 'jaeger' | 'zipkin'
/** OTLP first: the default, and what current Jaeger, Tempo and every OTel collector take. */
export const TRACE_FORMATS: readonly TraceFormat[] = ['otlp', 'jaeger', 'zipkin']

/** Narrows a query or flag value. */
export const isTraceFormat = (v: unknown): v is TraceFormat => TRACE_FORMATS.includes(v as TraceFormat)

/** The JSON value for `format` (serialize with JSON.stringify). */
export function exportTraces(traces: readonly MeshTrace[], format: TraceFormat): unknown {
  switch (format) {
    case 'otlp':
      return toOtlp(traces)
    case 'jaeger':
      return toJaeger(traces)
    case 'zipkin':
      return toZipkin(traces)
  }
}
