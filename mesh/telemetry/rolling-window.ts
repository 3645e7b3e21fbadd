/**
 * Golden signals over a rolling window: one bucket per second (count, failures, codes, flags and an
 * HDR latency histogram), merged on read. Exact enough for p99 (2 significant digits) and small.
 */
import hdr from 'hdr-histogram-js'

const BUCKETS = 120

interface Bucket {
  second: number
  count: number
  failures: number
  codes: Map<number, number>
  flags: Map<string, number>
  latency: hdr.Histogram
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
    bucket.latency.recordValue(Math.max(1, Math.round(durationMs * 1000))) // microseconds
  }

  /** The last `seconds` complete-or-current seconds ending at `nowEpochMs`. */
  summary(nowEpochMs: number, seconds: number): WindowSummary {
    const last = Math.floor(nowEpochMs / 1000)
    const first = last - Math.min(seconds, BUCKETS) + 1
    let count = 0
    let failures = 0
    const codes: Record<string, number> = {}
    const flags: Record<string, number> = {}
    let merged: hdr.Histogram | undefined
    for (const bucket of this.ring) {
      if (!bucket || bucket.second < first || bucket.second > last) continue
      count += bucket.count
      failures += bucket.failures
      for (const [code, n] of bucket.codes) codes[code] = (codes[code] ?? 0) + n
      for (const [flag, n] of bucket.flags) flags[flag] = (flags[flag] ?? 0) + n
      merged ??= newHistogram()
      merged.add(bucket.latency)
    }
    if (count === 0 || !merged) return EMPTY_SUMMARY
    const ms = (p: number) => merged!.getValueAtPercentile(p) / 1000
    const observedSeconds = Math.min(seconds, Math.max(1, (nowEpochMs - (this.firstEpochMs ?? nowEpochMs)) / 1000))
    return { requests: count, rps: count / observedSeconds, successRate: (count - failures) / count, p50Ms: ms(50), p95Ms: ms(95), p99Ms: ms(99), codes, flags }
  }

  private bucket(second: number): Bucket {
    const slot = second % BUCKETS
    let bucket = this.ring[slot]
    if (!bucket || bucket.second !== second) {
      bucket = { second, count: 0, failures: 0, codes: new Map(), flags: new Map(), latency: bucket?.latency ?? newHistogram() }
      bucket.latency.reset()
      this.ring[slot] = bucket
    }
    return bucket
  }
}

function newHistogram(): hdr.Histogram {
  return hdr.build({ bitBucketSize: 'packed', numberOfSignificantValueDigits: 2, lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, useWebAssembly: false })
}
