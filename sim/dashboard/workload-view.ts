/**
 * The workloads table of the dashboard: `linkerd viz stat` rows (workload-rows.ts) in request order
 * (ingress, productpage, details, reviews, ratings, then others by name), each with its RPS and p99 history.
 */
import type { StatsSnapshot } from '../../mesh/telemetry/stats.ts'
import type { MetricHistory } from './metric-history.ts'
import { appOf, INGRESS } from './service-graph.ts'
import { workloadRows, type WorkloadInfo } from './workload-rows.ts'
import type { WorkloadView } from './view-types.ts'

const ORDER = [INGRESS, 'productpage', 'details', 'reviews', 'ratings']

/** Request order first (where a page's request goes next), then by name. */
export function sortWorkloads<T extends WorkloadInfo>(workloads: readonly T[]): T[] {
  const rank = (w: WorkloadInfo) => {
    const i = ORDER.indexOf(appOf(w))
    return i < 0 ? ORDER.length : i
  }
  return [...workloads].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name))
}

export function workloadViews(workloads: readonly WorkloadInfo[], stats: StatsSnapshot, history: MetricHistory): WorkloadView[] {
  return workloadRows(sortWorkloads(workloads), stats).map((row) => {
    const h = history.of(row.name)
    return { ...row, rpsHistory: h.rps, p99History: h.p99Ms }
  })
}
