/**
 * `--plain`: the dashboard's view model as text, printed every few seconds (non-TTY runs, CI logs,
 * screen readers): the workloads table, and with the config given, the service graph and the config in force.
 */
import type { ConfigSnapshot } from '../../mesh/control/types.ts'
import type { StatsSnapshot } from '../../mesh/telemetry/stats.ts'
import { configSummary } from './config-summary.ts'
import { routeBadges } from './edge-badges.ts'
import { configText, graphText, workloadTableText } from './plain-text.ts'
import { serviceGraph } from './service-graph.ts'
import { sortWorkloads } from './workload-view.ts'
import { workloadRows, type WorkloadInfo } from './workload-rows.ts'

export function plainReport(workloads: readonly WorkloadInfo[], stats: StatsSnapshot, config?: ConfigSnapshot): string {
  const table = workloadTableText(workloadRows(sortWorkloads(workloads), stats))
  if (!config) return table
  const badges = { ...routeBadges(config), toxics: new Map(), breakers: new Map(), secure: new Set<string>() }
  const graph = serviceGraph({ workloads, edges: stats.edges, mirrored: new Map(), badges })
  return [table, graphText(graph), configText(configSummary(config, {}))].join('\n\n')
}
