/**
 * Counters and gauges whose values live elsewhere and are copied in when Prometheus scrapes
 * (prom-client's `collect()`): per-request code never pays for prom-client's label handling.
 */
import { Counter, Gauge, type Registry } from 'prom-client'

/** One series value as a collector reports it. */
export interface Sample<K extends string = string> {
  readonly labels: Readonly<Record<K, string>>
  readonly value: number
}

interface Config {
  readonly name: string
  readonly help: string
  readonly labelNames: readonly string[]
  readonly registry: Registry
}

/** A counter read from `read()` at scrape time. Values must only grow (they are totals). */
export function collectedCounter(config: Config, read: () => Iterable<Sample>): Counter<string> {
  return new Counter({
    name: config.name,
    help: config.help,
    labelNames: [...config.labelNames],
    registers: [config.registry],
    collect() {
      this.reset()
      for (const s of read()) this.inc(s.labels, s.value)
    },
  })
}

/** A gauge read from `read()` at scrape time. */
export function collectedGauge(config: Config, read: () => Iterable<Sample>): Gauge<string> {
  return new Gauge({
    name: config.name,
    help: config.help,
    labelNames: [...config.labelNames],
    registers: [config.registry],
    collect() {
      this.reset()
      for (const s of read()) this.set(s.labels, s.value)
    },
  })
}
