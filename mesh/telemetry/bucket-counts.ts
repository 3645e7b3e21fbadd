/**
 * A histogram's state for one series: per-bucket counts, sum and count. Observing is a short loop
 * over the bounds and three additions, cheap enough for every request of every sidecar.
 */

/** Envoy's default histogram buckets (ms), which `istio_request_duration_milliseconds` inherits. */
export const ENVOY_DURATION_BUCKETS_MS: readonly number[] = Object.freeze([
  0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000,
])

/** Powers of ten from 1 B to 1 GB: Istio's size histograms are read as orders of magnitude. */
export const BYTE_BUCKETS: readonly number[] = Object.freeze([1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000])

/** One histogram series; not thread-shared, not reset (Prometheus histograms only grow). */
export class BucketCounts {
  /** Non-cumulative: `counts[i]` holds observations in (bounds[i-1], bounds[i]]; the last slot is +Inf. */
  readonly counts: Float64Array
  sum = 0
  count = 0

  constructor(readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1)
  }

  observe(value: number): void {
    const bounds = this.bounds
    let i = 0
    while (i < bounds.length && value > bounds[i]!) i++
    this.counts[i]!++
    this.sum += value
    this.count++
  }

  /** Cumulative counts per bound (Prometheus `_bucket{le}`), without the +Inf bucket (= count). */
  cumulative(): number[] {
    const out: number[] = new Array(this.bounds.length)
    let acc = 0
    for (let i = 0; i < this.bounds.length; i++) out[i] = acc += this.counts[i]!
    return out
  }
}
