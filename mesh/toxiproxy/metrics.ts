/**
 * Toxiproxy's `/metrics` (its METRICS.md and collectors/): `toxiproxy_proxy_received_bytes_total`
 * and `toxiproxy_proxy_sent_bytes_total`, counters labelled direction, listener, proxy, upstream,
 * on a prom-client registry of this server's own. Links add to plain counters as bytes flow; the
 * prom-client counters copy them in at scrape time, so the data plane never pays for label hashing.
 */
import { collectDefaultMetrics, Counter, Registry } from 'prom-client'
import type { MutableByteCounters } from './link.ts'
import type { Direction } from './types.ts'

/** Which of Toxiproxy's collector sets to expose (its `-proxy-metrics` and `-runtime-metrics`). */
export interface MetricsOptions {
  /** The two byte counters. */
  readonly proxy?: boolean
  /** Node's process and runtime metrics (`process_*`, `nodejs_*`): Toxiproxy exposes Go's here. */
  readonly runtime?: boolean
}

/** The labels of one series, in the (sorted) order Go's client prints them. */
export interface ProxySeriesLabels {
  readonly direction: Direction
  /** The proxy's listen address when the connection was accepted (its bound form). */
  readonly listener: string
  readonly proxy: string
  readonly upstream: string
}

interface Series {
  readonly labels: ProxySeriesLabels
  readonly counters: MutableByteCounters
}

/** A server's metrics; `series()` hands links the counters they add to. */
export class ToxiproxyMetrics {
  readonly registry = new Registry()
  readonly enabled: boolean
  private readonly proxyMetrics: boolean
  /** Never pruned: like Go's CounterVec, totals outlive their proxy. */
  private readonly bySeries = new Map<string, Series>()
  private registered = false

  constructor(options: MetricsOptions) {
    this.proxyMetrics = options.proxy ?? false
    this.enabled = this.proxyMetrics || (options.runtime ?? false)
    // Process-wide hooks (an event-loop delay monitor, a GC observer) that prom-client cannot
    // undo: for the standalone server, whose process ends with it.
    if (options.runtime) collectDefaultMetrics({ register: this.registry })
  }

  /** The counters one direction of a new connection adds to, or undefined with proxy metrics off. */
  series(labels: ProxySeriesLabels): MutableByteCounters | undefined {
    if (!this.proxyMetrics) return undefined
    const key = JSON.stringify([labels.direction, labels.listener, labels.proxy, labels.upstream])
    let series = this.bySeries.get(key)
    if (!series) {
      series = { labels: { direction: labels.direction, listener: labels.listener, proxy: labels.proxy, upstream: labels.upstream }, counters: { receivedBytes: 0, sentBytes: 0 } }
      this.bySeries.set(key, series)
      this.registerCounters()
    }
    return series.counters
  }

  /** The Prometheus text exposition and its content type. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    const body = await this.registry.metrics()
    return { contentType: this.registry.contentType, body: body === '\n' ? '' : body } // empty, as Go's, when nothing is registered
  }

  /** Go's registry leaves out a family with no series yet, so the counters join at the first one. */
  private registerCounters(): void {
    if (this.registered) return
    this.registered = true
    this.counter('toxiproxy_proxy_received_bytes_total', (c) => c.receivedBytes)
    this.counter('toxiproxy_proxy_sent_bytes_total', (c) => c.sentBytes)
  }

  private counter(name: string, pick: (c: MutableByteCounters) => number): void {
    const sorted = () => [...this.bySeries.values()].sort(byLabels)
    const counter = new Counter({
      name,
      help: name, // prom-client insists on one; replaced below
      labelNames: [...LABEL_ORDER],
      registers: [this.registry],
      collect() {
        this.reset()
        for (const s of sorted()) this.inc({ ...s.labels }, pick(s.counters))
      },
    })
    // Toxiproxy's collectors set no help text, so Go prints `# HELP <name> ` with nothing after it.
    Object.assign(counter, { help: '' })
  }
}

const LABEL_ORDER = ['direction', 'listener', 'proxy', 'upstream'] as const

/** Go's registry sorts a family's series by label values, in label-name order. */
function byLabels(a: Series, b: Series): number {
  for (const label of LABEL_ORDER) {
    if (a.labels[label] !== b.labels[label]) return a.labels[label] < b.labels[label] ? -1 : 1
  }
  return 0
}
