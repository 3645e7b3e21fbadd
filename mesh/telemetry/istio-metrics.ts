/**
 * Istio's standard HTTP metrics from telemetry records, both reporters, into a per-mesh prom-client
 * registry: `istio_requests_total`, `istio_request_duration_milliseconds`, `istio_request_bytes`,
 * `istio_response_bytes`. Per record: a few Map lookups and additions (~0.5 µs). Labels are built
 * once per series and prom-client only sees the totals when Prometheus scrapes.
 */
import type { Registry } from 'prom-client'
import { formatFlags } from '../flags.ts'
import { BucketCounts, BYTE_BUCKETS, ENVOY_DURATION_BUCKETS_MS } from './bucket-counts.ts'
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

/** The HTTP metrics as a telemetry sink; construct one per mesh registry. */
export class IstioHttpMetrics implements TelemetrySink {
  private readonly index = new SeriesIndex<HttpSeries>()
  private readonly series: HttpSeries[] = []

  /** Registers the four metrics in `registry` (one per mesh, never prom-client's global one). */
  constructor(registry: Registry) {
    const all = () => this.series
    const labelNames = ISTIO_HTTP_LABELS
    collectedCounter({ name: 'istio_requests_total', help: 'Requests processed by an Istio proxy.', labelNames, registry }, function* () {
      for (const s of all()) yield { labels: s.labels, value: s.requests }
    })
    const histogram = (name: string, help: string, buckets: readonly number[], pick: (s: HttpSeries) => BucketCounts) =>
      new SeriesHistogram({ name, help, labelNames, buckets, registry }, function* () {
        for (const s of all()) yield { labels: s.labels, buckets: pick(s) }
      })
    histogram('istio_request_duration_milliseconds', 'Duration of requests (ms), as the reporting proxy saw them.', ENVOY_DURATION_BUCKETS_MS, (s) => s.duration)
    histogram('istio_request_bytes', 'HTTP request body sizes (bytes).', BYTE_BUCKETS, (s) => s.requestBytes)
    histogram('istio_response_bytes', 'HTTP response body sizes (bytes).', BYTE_BUCKETS, (s) => s.responseBytes)
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
        duration: new BucketCounts(ENVOY_DURATION_BUCKETS_MS),
        requestBytes: new BucketCounts(BYTE_BUCKETS),
        responseBytes: new BucketCounts(BYTE_BUCKETS),
      }
      this.index.set(parts, s)
      this.series.push(s)
    }
    s.requests++
    s.duration.observe(r.durationMs)
    s.requestBytes.observe(r.requestBytes)
    s.responseBytes.observe(r.responseBytes)
  }

  /** Number of distinct label sets so far (each costs ~1 KB; a guard for tests and the dashboard). */
  get seriesCount(): number {
    return this.series.length
  }
}
