/**
 * A histogram's state for one series: per-bucket counts, sum and count. Observing is a short loop
 * over the bounds and three additions, cheap enough for every request of every sidecar.
 */

/**
 * Envoy's default histogram buckets (HistogramSettingsImpl::defaultBuckets). Istio's stats filter sets
 * none of its own, so every `istio_*` histogram has these, durations (ms) and sizes (bytes) alike,
 * unless `sidecar.istio.io/statsHistogramBuckets` configures others.
 */
export const ENVOY_DEFAULT_BUCKETS: readonly number[] = Object.freeze([
  0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000,
])

/**
 * Buckets by stat-name prefix, the shape of Istio's `sidecar.istio.io/statsHistogramBuckets`
 * (`{"istiocustom": [1, 5, 10]}`); matched against Envoy's name for the metric,
 * `istiocustom.istio_request_bytes`, first match in key order, as Envoy's `histogram_bucket_settings`.
 */
export type HistogramBuckets = Readonly<Record<string, readonly number[]>>

/** The buckets of the Istio histogram `metric` (`istio_request_bytes`) under `settings`. */
export function bucketsFor(metric: string, settings: HistogramBuckets = {}): readonly number[] {
  const statName = `istiocustom.${metric}`
  for (const [prefix, bounds] of Object.entries(settings)) {
    if (statName.startsWith(prefix)) return Object.freeze([...bounds].sort((a, b) => a - b))
  }
  return ENVOY_DEFAULT_BUCKETS
}

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
