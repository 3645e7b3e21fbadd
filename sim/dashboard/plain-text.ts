/** The view model as plain text (`--plain`, CI logs, screen readers): the workloads table, the graph's edges, the config in force. */
import { graphLines } from './graph-lines.ts'
import { lineText } from './segments.ts'
import { textTable } from './text-table.ts'
import type { ConfigLine, GraphView, WorkloadView } from './view-types.ts'
import type { WorkloadRow } from './workload-rows.ts'

export function workloadTableText(rows: readonly WorkloadRow[]): string {
  return textTable(
    ['NAME', 'VERSION', 'MESHED', 'SUCCESS', 'RPS', 'P50', 'P95', 'P99'],
    rows.map((r) => [r.name, r.version || '-', r.meshed, r.success, r.rps, r.p50, r.p95, r.p99]),
  )
}

export function graphText(graph: GraphView, width = 110): string {
  const lines = graphLines(graph, width).map((l) => lineText(l).trimEnd())
  return [...lines, ...(graph.mtls === 'all' ? ['(mTLS on every edge with traffic)'] : [])].join('\n')
}

export const configText = (lines: readonly ConfigLine[]): string =>
  lines.length ? lines.map((l) => `${l.kind} ${l.name}: ${l.summary}`).join('\n') : 'no config applied'

/** Table, then edges, then config, separated by blank lines. */
export function plainText(view: { workloads: readonly WorkloadView[]; graph: GraphView; config: readonly ConfigLine[] }): string {
  return [workloadTableText(view.workloads), graphText(view.graph), configText(view.config)].join('\n\n')
}
