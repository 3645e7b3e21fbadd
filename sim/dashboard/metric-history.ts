/**
 * A short history of each workload's RPS and p99, one sample per dashboard tick, for the sparklines.
 * Bounded (the newest `capacity` samples per workload); workloads that disappear are dropped.
 */
import type { StatsSnapshot } from '../../mesh/telemetry/stats.ts'

export interface WorkloadHistory {
  readonly rps: readonly number[]
  readonly p99Ms: readonly number[]
}

const EMPTY: WorkloadHistory = Object.freeze({ rps: [], p99Ms: [] })

export class MetricHistory {
  private readonly series = new Map<string, { rps: number[]; p99Ms: number[] }>()

  constructor(readonly capacity = 40) {}

  /** Adds one sample per workload in `names` (0 when the snapshot has no traffic for it). */
  record(names: readonly string[], stats: StatsSnapshot): void {
    const byName = new Map(stats.workloads.map((w) => [w.name, w]))
    for (const name of names) {
      const s = byName.get(name)
      let h = this.series.get(name)
      if (!h) this.series.set(name, (h = { rps: [], p99Ms: [] }))
      push(h.rps, s?.requests ? s.rps : 0, this.capacity)
      push(h.p99Ms, s?.requests ? s.p99Ms : 0, this.capacity)
    }
    for (const name of this.series.keys()) if (!names.includes(name)) this.series.delete(name)
  }

  of(name: string): WorkloadHistory {
    return this.series.get(name) ?? EMPTY
  }
}

function push(values: number[], value: number, capacity: number): void {
  values.push(value)
  if (values.length > capacity) values.splice(0, values.length - capacity)
}
