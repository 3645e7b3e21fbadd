/** `--plain`: the workloads table as text, printed every few seconds (non-TTY runs, CI logs, screen readers). */
import type { StatsSnapshot } from '../../mesh/telemetry/stats.ts'
import { textTable } from './text-table.ts'
import { workloadRows, type WorkloadInfo } from './workload-rows.ts'

export function plainReport(workloads: readonly WorkloadInfo[], stats: StatsSnapshot): string {
  const rows = workloadRows(workloads, stats)
  return textTable(
    ['NAME', 'VERSION', 'MESHED', 'SUCCESS', 'RPS', 'P50', 'P95', 'P99'],
    rows.map((r) => [r.name, r.version || '-', r.meshed, r.success, r.rps, r.p50, r.p95, r.p99]),
  )
}
