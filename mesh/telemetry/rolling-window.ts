/**
 * Golden signals over a rolling window: one bucket per second (count, failures, codes, flags and a
 * latency sketch with 1% relative error), merged on read. Reading a 10 s window of every workload
 * and edge costs well under a millisecond, so dashboards can refresh every second.
 */
import { LatencySketch } from './latency-sketch.ts'

const BUCKETS = 120

interface Bucket {
  second: number
  count: number
  failures: number
  codes: Map<number, number>
  flags: Map<string, number>
  latency: LatencySketch
}

export interface WindowSummary {
  readonly requests: number
  readonly rps: number
  /** Share of responses that were not 5xx (0 when there were none; check `requests`). */
  readonly successRate: number
  readonly p50Ms: number
  readonly p95Ms: number
  readonly p99Ms: number
  readonly codes: Readonly<Record<string, number>>
  readonly flags: Readonly<Record<string, number>>
}

export const EMPTY_SUMMARY: WindowSummary = Object.freeze({ requests: 0, rps: 0, successRate: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0, codes: {}, flags: {} })

/** 5xx count as failures, as in Linkerd and Kiali; so does "no response" (status 0). */
export const isFailure = (status: number): boolean => status >= 500 || status === 0

export class RollingWindow {
  private readonly ring: (Bucket | undefined)[] = new Array(BUCKETS)
  /** When the first record arrived: a window longer than the traffic's life must not dilute RPS. */
  private firstEpochMs: number | undefined

  record(endEpochMs: number, status: number, durationMs: number, flags: string): void {
    this.firstEpochMs ??= endEpochMs
    const second = Math.floor(endEpochMs / 1000)
    const bucket = this.bucket(second)
    bucket.count++
    if (isFailure(status)) bucket.failures++
    bucket.codes.set(status, (bucket.codes.get(status) ?? 0) + 1)
    bucket.flags.set(flags, (bucket.flags.get(flags) ?? 0) + 1)
    bucket.latency.record(durationMs)
  }

  /** The last `seconds` complete-or-current seconds ending at `nowEpochMs`. */
  summary(nowEpochMs: number, seconds: number): WindowSummary {
    const last = Math.floor(nowEpochMs / 1000)
    const first = last - Math.min(seconds, BUCKETS) + 1
    let count = 0
    let failures = 0
    const codes: Record<string, number> = {}
    const flags: Record<string, number> = {}
    const merged = new LatencySketch()
    for (const bucket of this.ring) {
      if (!bucket || bucket.second < first || bucket.second > last) continue
      count += bucket.count
      failures += bucket.failures
      for (const [code, n] of bucket.codes) codes[code] = (codes[code] ?? 0) + n
      for (const [flag, n] of bucket.flags) flags[flag] = (flags[flag] ?? 0) + n
      merged.add(bucket.latency)
    }
    if (count === 0) return EMPTY_SUMMARY
    const [p50Ms, p95Ms, p99Ms] = merged.percentiles([50, 95, 99]) as [number, number, number]
    const observedSeconds = Math.min(seconds, Math.max(1, (nowEpochMs - (this.firstEpochMs ?? nowEpochMs)) / 1000))
    return { requests: count, rps: count / observedSeconds, successRate: (count - failures) / count, p50Ms, p95Ms, p99Ms, codes, flags }
  }

  private bucket(second: number): Bucket {
    const slot = second % BUCKETS
    let bucket = this.ring[slot]
    if (!bucket || bucket.second !== second) {
      bucket = { second, count: 0, failures: 0, codes: new Map(), flags: new Map(), latency: bucket?.latency ?? new LatencySketch() }
      bucket.latency.clear()
      this.ring[slot] = bucket
    }
    return bucket
  }
}
