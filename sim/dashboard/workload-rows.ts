/**
 * The workloads table as plain data (the view model shared by `--plain` and the dashboard), in the
 * shape of `linkerd viz stat`: NAME VERSION MESHED SUCCESS RPS P50 P95 P99. Missing data is `-`.
 */
import type { StatsSnapshot } from '../../mesh/telemetry/stats.ts'

export interface WorkloadRow {
  readonly name: string
  readonly version: string
  readonly meshed: string
  readonly success: string
  readonly rps: string
  readonly p50: string
  readonly p95: string
  readonly p99: string
  /** Kiali's health for the row: failures ≥ 0.1% degraded, > 10% failing. */
  readonly health: 'healthy' | 'degraded' | 'failing' | 'idle'
}

export interface WorkloadInfo {
  readonly name: string
  readonly version: string
  /** Ready endpoints / all endpoints, like `1/1`. */
  readonly meshed: string
}

export function workloadRows(workloads: readonly WorkloadInfo[], stats: StatsSnapshot): WorkloadRow[] {
  const byName = new Map(stats.workloads.map((w) => [w.name, w]))
  return workloads.map((w) => {
    const s = byName.get(w.name)
    if (!s || s.requests === 0) return { ...w, success: '-', rps: '-', p50: '-', p95: '-', p99: '-', health: 'idle' }
    return {
      ...w,
      success: formatPercent(s.successRate),
      rps: `${s.rps.toFixed(1)}rps`,
      p50: formatMs(s.p50Ms),
      p95: formatMs(s.p95Ms),
      p99: formatMs(s.p99Ms),
      health: healthOf(1 - s.successRate),
    }
  })
}

/** Kiali's default thresholds for 5xx: ≥ 0.1% degraded, > 10% failure. */
export function healthOf(failureRate: number): WorkloadRow['health'] {
  if (failureRate > 0.1) return 'failing'
  if (failureRate >= 0.001) return 'degraded'
  return 'healthy'
}

export const formatPercent = (rate: number): string => `${(rate * 100).toFixed(2)}%`

/** Milliseconds as Linkerd prints them: integers, or seconds with a decimal from 10 s up. */
export function formatMs(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)}s`
  if (ms >= 1) return `${Math.round(ms)}ms`
  return `${ms.toFixed(1)}ms`
}
