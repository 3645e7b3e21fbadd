/**
 * The last N traces, kept as the records that make their spans (spans are built when someone reads
 * them). Mirror copies and unsampled requests are not kept, as Envoy doesn't report them.
 */
import type { RequestRecord, TelemetrySink } from './record.ts'
import { spanFromRecord, type MeshSpan, type MeshTrace } from './span.ts'

/** Bounds: the store never holds more than maxTraces × maxSpansPerTrace records. */
export interface SpanStoreOptions {
  /** Traces kept (oldest dropped first); default 1000. */
  readonly maxTraces?: number
  /** Spans kept per trace (a runaway retry loop can't fill memory); default 500. */
  readonly maxSpansPerTrace?: number
}

/** A telemetry sink keeping the latest traces; `list()` builds their spans. */
export class SpanStore implements TelemetrySink {
  // Insertion order is first-seen order: the oldest trace is the first key.
  private readonly traces = new Map<string, RequestRecord[]>()
  private readonly maxTraces: number
  private readonly maxSpansPerTrace: number

  constructor(options: SpanStoreOptions = {}) {
    this.maxTraces = options.maxTraces ?? 1000
    this.maxSpansPerTrace = options.maxSpansPerTrace ?? 500
  }

  record(r: RequestRecord): void {
    const span = r.span
    if (!span || !span.sampled || r.mirrored) return
    let records = this.traces.get(span.traceId)
    if (!records) {
      records = []
      this.traces.set(span.traceId, records)
      if (this.traces.size > this.maxTraces) this.traces.delete(this.traces.keys().next().value!)
    }
    if (records.length < this.maxSpansPerTrace) records.push(r)
  }

  /** One trace by id, or the latest `limit` traces (oldest first); spans ordered by start time. */
  list(query: { limit?: number; traceId?: string } = {}): MeshTrace[] {
    if (query.traceId !== undefined) {
      const records = this.traces.get(query.traceId.toLowerCase())
      return records ? [toTrace(query.traceId.toLowerCase(), records)] : []
    }
    const ids = [...this.traces.keys()]
    const limit = query.limit ?? ids.length
    return ids.slice(Math.max(0, ids.length - limit)).map((id) => toTrace(id, this.traces.get(id)!))
  }

  get size(): number {
    return this.traces.size
  }
}

function toTrace(traceId: string, records: readonly RequestRecord[]): MeshTrace {
  const spans = records.map(spanFromRecord).filter((s): s is MeshSpan => s !== undefined)
  spans.sort((a, b) => a.startEpochMs - b.startEpochMs || (a.kind === b.kind ? 0 : a.kind === 'CLIENT' ? -1 : 1))
  return { traceId, spans }
}
