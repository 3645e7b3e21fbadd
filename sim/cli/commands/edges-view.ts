/**
 * Effective vs actual per edge, like `linkerd viz routes -o wide`: EFFECTIVE is what the caller saw
 * (after its sidecar's retries), ACTUAL what the callee's sidecar saw (every try). Retries show as
 * ACTUAL_RPS above EFFECTIVE_RPS, and hidden failures as ACTUAL_SUCCESS below EFFECTIVE_SUCCESS.
 */
import type { EdgeStats, StatsSnapshot } from '../../../mesh/telemetry/stats.ts'
import { formatMs, formatPercent } from '../../dashboard/workload-rows.ts'
import { textTable } from '../../dashboard/text-table.ts'

/** The columns, `linkerd viz routes -o wide` style. */
export const EDGE_COLUMNS = [
  'SRC',
  'DST',
  'SERVICE',
  'EFFECTIVE_SUCCESS',
  'EFFECTIVE_RPS',
  'ACTUAL_SUCCESS',
  'ACTUAL_RPS',
  'LATENCY_P50',
  'LATENCY_P95',
  'LATENCY_P99',
] as const

/** One edge as numbers (the JSON output); `formatEdgeRows` makes the text. */
export interface EdgeRow {
  readonly source: string
  readonly destination: string
  readonly service: string
  readonly effective: { readonly requests: number; readonly rps: number; readonly successRate: number }
  readonly actual: { readonly requests: number; readonly rps: number; readonly successRate: number }
  readonly p50Ms: number
  readonly p95Ms: number
  readonly p99Ms: number
}

/** Edges of a `/stats` snapshot, optionally only from one workload or to one workload/service. */
export function edgeRows(snapshot: StatsSnapshot, filter: { from?: string; to?: string } = {}): EdgeRow[] {
  return snapshot.edges
    .filter((e) => (!filter.from || e.source === filter.from) && (!filter.to || e.destination === filter.to || e.destinationService === filter.to))
    .map((e: EdgeStats) => ({
      source: e.source,
      destination: e.destination,
      service: e.destinationService,
      effective: { requests: e.requests, rps: e.rps, successRate: e.successRate },
      actual: e.actual,
      p50Ms: e.p50Ms,
      p95Ms: e.p95Ms,
      p99Ms: e.p99Ms,
    }))
}

/** The table as text; missing data is `-`, as in Linkerd. */
export function formatEdgeRows(rows: readonly EdgeRow[]): string {
  const success = (s: { requests: number; successRate: number }) => (s.requests ? formatPercent(s.successRate) : '-')
  const rps = (s: { requests: number; rps: number }) => (s.requests ? `${s.rps.toFixed(1)}rps` : '-')
  const ms = (r: EdgeRow, v: number) => (r.effective.requests ? formatMs(v) : '-')
  return textTable(
    EDGE_COLUMNS,
    rows.map((r) => [r.source, r.destination, r.service, success(r.effective), rps(r.effective), success(r.actual), rps(r.actual), ms(r, r.p50Ms), ms(r, r.p95Ms), ms(r, r.p99Ms)]),
  )
}
