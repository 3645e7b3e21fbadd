/**
 * The last N requests of every sidecar, kept as records (a line is formatted only when someone reads
 * it), plus live subscribers for `logs -f`. Recording is an array store and a loop over subscribers,
 * of which there are usually none.
 */
import { reportingWorkload } from './access-log-format.ts'
import type { RequestRecord, TelemetrySink } from './record.ts'

/** Which lines a reader wants. */
export interface LogFilter {
  /** Only lines written by this workload's sidecar (both its inbound and outbound listener). */
  readonly workload?: string
}

/** Called synchronously with each new record; must be cheap and must not throw (if it does, it only loses its own lines). */
export type LogSubscriber = (r: RequestRecord) => void

/** A fixed-size ring of the newest records, plus subscribers for live tails. */
export class AccessLogRing implements TelemetrySink {
  private readonly slots: (RequestRecord | undefined)[]
  private next = 0
  private readonly subscribers = new Set<LogSubscriber>()

  /** `capacity`: lines kept (default 2000: a few minutes of the demo's background load). */
  constructor(readonly capacity = 2000) {
    this.slots = new Array(capacity)
  }

  record(r: RequestRecord): void {
    this.slots[this.next % this.capacity] = r
    this.next++
    for (const fn of this.subscribers) {
      try {
        fn(r)
      } catch {
        // A broken reader loses its own lines, never anyone else's.
      }
    }
  }

  /** Kept records matching `filter`, oldest first; at most the newest `limit`. */
  entries(filter: LogFilter = {}, limit = this.capacity): RequestRecord[] {
    const out: RequestRecord[] = []
    const first = Math.max(0, this.next - this.capacity)
    for (let i = first; i < this.next; i++) {
      const r = this.slots[i % this.capacity]!
      if (matches(r, filter)) out.push(r)
    }
    return limit < out.length ? out.slice(out.length - Math.max(0, limit)) : out
  }

  /** Calls `fn` with every new matching record until the returned function is called. */
  subscribe(filter: LogFilter, fn: LogSubscriber): () => void {
    const subscriber: LogSubscriber = (r) => {
      if (matches(r, filter)) fn(r)
    }
    this.subscribers.add(subscriber)
    return () => this.subscribers.delete(subscriber)
  }

  get subscriberCount(): number {
    return this.subscribers.size
  }
}

/** Whether `r` is one of the lines `filter` asks for. */
export const matches = (r: RequestRecord, filter: LogFilter): boolean => filter.workload === undefined || reportingWorkload(r) === filter.workload
