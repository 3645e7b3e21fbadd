/**
 * A latency sketch with relative-error guarantees (the DDSketch idea): values fall into
 * logarithmic buckets 2% wide, kept sparse, so recording is one Map update and merging a few
 * seconds of them for p50/p95/p99 costs microseconds. Any quantile is within 1% of the true value.
 */

const GAMMA = 1.02
const LOG_GAMMA = Math.log(GAMMA)
/** Smallest distinguishable value: 1 µs. */
const MIN_MS = 0.001

export class LatencySketch {
  private readonly buckets = new Map<number, number>()
  private total = 0

  get count(): number {
    return this.total
  }

  record(ms: number): void {
    const index = ms <= MIN_MS ? 0 : Math.ceil(Math.log(ms / MIN_MS) / LOG_GAMMA)
    this.buckets.set(index, (this.buckets.get(index) ?? 0) + 1)
    this.total++
  }

  add(other: LatencySketch): void {
    for (const [index, n] of other.buckets) this.buckets.set(index, (this.buckets.get(index) ?? 0) + n)
    this.total += other.total
  }

  /** The value at percentile `p` (0–100), in ms; 0 when empty. */
  percentile(p: number): number {
    return this.percentiles([p])[0]!
  }

  /** Several percentiles with one sort. */
  percentiles(ps: readonly number[]): number[] {
    if (this.total === 0) return ps.map(() => 0)
    const indexes = [...this.buckets.keys()].sort((a, b) => a - b)
    return ps.map((p) => {
      const rank = Math.max(1, Math.ceil((p / 100) * this.total))
      let seen = 0
      for (const index of indexes) {
        seen += this.buckets.get(index)!
        if (seen >= rank) return valueOf(index)
      }
      return valueOf(indexes[indexes.length - 1]!)
    })
  }

  clear(): void {
    this.buckets.clear()
    this.total = 0
  }
}

/** The middle of a bucket, so the relative error is at most (γ − 1) / (γ + 1) ≈ 1%. */
const valueOf = (index: number): number => (index === 0 ? MIN_MS : ((MIN_MS * GAMMA ** index) * 2) / (1 + GAMMA))
