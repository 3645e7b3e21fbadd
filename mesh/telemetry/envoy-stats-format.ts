/**
 * One proxy's cluster counters and gauges as Envoy's admin `/stats` prints them (what
 * `pilot-agent request GET stats` shows in Istio's tasks): `cluster.<name>.<stat>: <value>` lines
 * sorted by name, or `?format=json`'s `{"stats": [{"name", "value"}]}`.
 */
import type { ClusterStatsView } from './envoy-cluster-stats.ts'

function statEntries(view: ClusterStatsView): Array<[string, number]> {
  const out: Array<[string, number]> = []
  for (const c of view.clusters) for (const [name, value] of Object.entries(c.stats)) out.push([`cluster.${c.name}.${name}`, value])
  return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}

export function formatStatsText(view: ClusterStatsView): string {
  const entries = statEntries(view)
  return entries.length ? `${entries.map(([name, value]) => `${name}: ${value}`).join('\n')}\n` : ''
}

export function formatStatsJson(view: ClusterStatsView): string {
  return JSON.stringify({ stats: statEntries(view).map(([name, value]) => ({ name, value })) }, null, 1)
}
