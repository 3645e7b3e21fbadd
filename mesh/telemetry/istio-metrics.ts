/**
 * Istio's standard HTTP metrics from telemetry records, both reporters, into a per-mesh prom-client
 * registry: `istio_requests_total`, `istio_request_duration_milliseconds`, `istio_request_bytes`,
 * `istio_response_bytes`. Per record: a few Map lookups and additions (~0.5 µs). Labels are built
 * once per series and prom-client only sees the totals when Prometheus scrapes.
 */
import type { Registry } from 'prom-client'
import { formatFlags } from '../flags.ts'
import { BucketCounts, bucketsFor, type HistogramBuckets } from './bucket-counts.ts'
import { collectedCounter } from './collected-metrics.ts'
import { httpLabels, httpSeriesParts, ISTIO_HTTP_LABELS, type IstioHttpLabel, type LabelSet } from './istio-labels.ts'
import type { RequestRecord, TelemetrySink } from './record.ts'
import { SeriesHistogram } from './series-histogram.ts'
import { SeriesIndex } from './series-index.ts'

interface HttpSeries {
  readonly labels: LabelSet<IstioHttpLabel>
  requests: number
  readonly duration: BucketCounts
  readonly requestBytes: BucketCounts
  readonly responseBytes: BucketCounts
}

export interface IstioHttpMetricsOptions {
  /** Histogram buckets by stat-name prefix (Istio's statsHistogramBuckets); default Envoy's. */
  readonly histogramBuckets?: HistogramBuckets
}

/** The HTTP metrics as a telemetry sink; construct one per mesh registry. */
export class IstioHttpMetrics implements TelemetrySink {
  private readonly index = new SeriesIndex<HttpSeries>()
  private readonly series: HttpSeries[] = []
  private readonly durationBuckets: readonly number[]
  private readonly requestBuckets: readonly number[]
  private readonly responseBuckets: readonly number[]

  /** Registers the four metrics in `registry` (one per mesh, never prom-client's global one). */
  constructor(registry: Registry, options: IstioHttpMetricsOptions = {}) {
    const all = () => this.series
    const labelNames = ISTIO_HTTP_LABELS
    this.durationBuckets = bucketsFor('istio_request_duration_milliseconds', options.histogramBuckets)
    this.requestBuckets = bucketsFor('istio_request_bytes', options.histogramBuckets)
    this.responseBuckets = bucketsFor('istio_response_bytes', options.histogramBuckets)
    collectedCounter({ name: 'istio_requests_total', help: 'Requests processed by an Istio proxy.', labelNames, registry }, function* () {
      for (const s of all()) yield { labels: s.labels, value: s.requests }
    })
    const histogram = (name: string, help: string, buckets: readonly number[], pick: (s: HttpSeries) => BucketCounts) =>
      new SeriesHistogram({ name, help, labelNames, buckets, registry }, function* () {
        for (const s of all()) yield { labels: s.labels, buckets: pick(s) }
      })
    histogram('istio_request_duration_milliseconds', 'Duration of requests (ms), as the reporting proxy saw them.', this.durationBuckets, (s) => s.duration)
    // Wire bytes, as Istio's stats filter reads Envoy's downstream bytes meter: headers count too.
    histogram('istio_request_bytes', 'HTTP request sizes on the downstream connection, headers included (bytes).', this.requestBuckets, (s) => s.requestBytes)
    histogram('istio_response_bytes', 'HTTP response sizes on the downstream connection, headers included (bytes).', this.responseBuckets, (s) => s.responseBytes)
  }

  record(r: RequestRecord): void {
    // A mirror copy has no source record (the caller's sidecar never reports it), so it counts
    // at the destination only, as in Istio.
    const flags = formatFlags(r.flags)
    const parts = httpSeriesParts(r, flags)
    let s = this.index.find(parts)
    if (!s) {
      s = {
        labels: httpLabels(r, flags),
        requests: 0,
        duration: new BucketCounts(this.durationBuckets),
        requestBytes: new BucketCounts(this.requestBuckets),
        responseBytes: new BucketCounts(this.responseBuckets),
      }
      this.index.set(parts, s)
      this.series.push(s)
    }
    s.requests++
    s.duration.observe(r.durationMs)
    s.requestBytes.observe(r.requestWireBytes)
    s.responseBytes.observe(r.responseWireBytes)
  }

  /** Number of distinct label sets so far (each costs ~1 KB; a guard for tests and the dashboard). */
  get seriesCount(): number {
    return this.series.length
  }
}
