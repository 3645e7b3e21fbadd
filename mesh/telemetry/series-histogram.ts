/**
 * A prom-client Histogram whose series are kept elsewhere (in `BucketCounts`, updated per request
 * without prom-client's per-call label hashing, which costs ~25 µs with Istio's 25 labels) and read
 * only when Prometheus scrapes. prom-client still owns naming, registration and the text format.
 */
import { Histogram, type Registry } from 'prom-client'
import type { BucketCounts } from './bucket-counts.ts'

/** One series' labels and counts, as `read()` yields them at scrape time. */
export interface HistogramSeries {
  readonly labels: Readonly<Record<string, string>>
  readonly buckets: BucketCounts
}

interface ExportValue {
  readonly labels: Record<string, string | number>
  readonly sharedLabels: Readonly<Record<string, string>>
  readonly value: number
  readonly metricName: string
}

/** Registered in `config.registry` on construction, like any prom-client metric. */
export class SeriesHistogram extends Histogram<string> {
  private readonly read: () => Iterable<HistogramSeries>
  private readonly bounds: readonly number[]
  private readonly metricName: string
  private readonly helpText: string

  constructor(
    config: { name: string; help: string; labelNames: readonly string[]; buckets: readonly number[]; registry: Registry },
    read: () => Iterable<HistogramSeries>,
  ) {
    super({ name: config.name, help: config.help, labelNames: [...config.labelNames], buckets: [...config.buckets], registers: [config.registry] })
    this.read = read
    this.bounds = config.buckets
    this.metricName = config.name
    this.helpText = config.help
  }

  /**
   * prom-client's hook for both the text format and `get()`. The value shape (le in `labels`, the
   * series labels in `sharedLabels`) is prom-client 15's own; the exposition test pins it.
   */
  async getForPromString(): Promise<{ name: string; help: string; type: string; values: ExportValue[]; aggregator: string }> {
    const bucket = `${this.metricName}_bucket`
    const values: ExportValue[] = []
    for (const s of this.read()) {
      const cumulative = s.buckets.cumulative()
      for (let i = 0; i < this.bounds.length; i++) {
        values.push({ labels: { le: this.bounds[i]! }, sharedLabels: s.labels, value: cumulative[i]!, metricName: bucket })
      }
      values.push({ labels: { le: '+Inf' }, sharedLabels: s.labels, value: s.buckets.count, metricName: bucket })
      values.push({ labels: {}, sharedLabels: s.labels, value: s.buckets.sum, metricName: `${this.metricName}_sum` })
      values.push({ labels: {}, sharedLabels: s.labels, value: s.buckets.count, metricName: `${this.metricName}_count` })
    }
    return { name: this.metricName, help: this.helpText, type: 'histogram', values, aggregator: 'sum' }
  }
}
