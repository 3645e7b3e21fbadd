/**
 * One proxy's upstream clusters as Envoy's admin shows them: counters in `/stats` style
 * (`cluster.outbound|9080|v1|reviews.default.svc.cluster.local.upstream_rq_retry: 3`), circuit
 * breaker thresholds and host health in `/clusters` style (`cluster::host::health_flags::healthy`),
 * or the same as JSON. This is where retries, overflows and ejections become visible per caller.
 */
import type { UpstreamCluster } from '../sidecar/cluster.ts'

/** What the view reads from a cluster (a structural subset, so tests can pass plain objects). */
export type ClusterSource = Pick<UpstreamCluster, 'name' | 'counters' | 'breaker' | 'outlier' | 'hosts'>

/**
 * Counters Envoy always prints, zero or not, so a reader can grep for them before anything happened.
 * Timeouts are counted only once the timeout filter increments them (see docs/observability.md).
 */
export const ENVOY_CLUSTER_COUNTERS = [
  'upstream_rq_total',
  'upstream_rq_retry',
  'upstream_rq_retry_overflow',
  /** A request body past the replay buffer: streamed once, without retries or a mirror copy. */
  'retry_or_shadow_abandoned',
  'upstream_rq_pending_total',
  'upstream_rq_pending_overflow',
  'upstream_rq_timeout',
  'upstream_rq_per_try_timeout',
  'outlier_detection.ejections_enforced_total',
  'outlier_detection.ejections_overflow',
] as const

/** Envoy gauges: current values that go up and down. */
export const ENVOY_CLUSTER_GAUGES = ['outlier_detection.ejections_active', 'upstream_rq_active', 'upstream_rq_pending_active'] as const

/** One endpoint of a cluster as `/clusters` shows it. */
export interface HostStats {
  readonly address: string
  readonly workload: string
  /** Envoy's `health_flags`: `healthy`, or `/failed_outlier_check` while ejected. */
  readonly healthFlags: string
  readonly timesEjected: number
  readonly consecutive5xx: number
}

/** One upstream cluster: its counters, thresholds and hosts. */
export interface ClusterStats {
  readonly name: string
  /** Counters and gauges by Envoy name, sorted. */
  readonly stats: Readonly<Record<string, number>>
  /** Envoy's default-priority thresholds (4294967295 = unlimited, Envoy's own default). */
  readonly circuitBreakers: { readonly maxConnections: number; readonly maxPendingRequests: number; readonly maxRequests: number }
  readonly hosts: readonly HostStats[]
}

/** One upstream cluster: its counters, thresholds and hosts. */
export interface ClusterStatsView {
  readonly workload: string
  readonly clusters: readonly ClusterStats[]
}

/** Reads the live clusters of the proxy `workload` (its outbound side) into plain data. */
export function clusterStatsView(workload: string, clusters: readonly ClusterSource[]): ClusterStatsView {
  // One name can briefly belong to two cluster objects while a config push retires the old one.
  const byName = new Map<string, ClusterStats>()
  for (const c of clusters) {
    const mine = clusterStats(c)
    const seen = byName.get(c.name)
    byName.set(c.name, seen ? merge(seen, mine) : mine)
  }
  return { workload, clusters: [...byName.values()].sort((a, b) => a.name.localeCompare(b.name)) }
}

function clusterStats(c: ClusterSource): ClusterStats {
  const stats: Record<string, number> = {}
  for (const name of ENVOY_CLUSTER_COUNTERS) stats[name] = 0
  for (const [name, value] of Object.entries(c.counters.toJSON())) stats[name] = value
  stats['outlier_detection.ejections_active'] = c.counters.get('outlier_detection.ejections_active')
  stats.upstream_rq_active = c.breaker.active
  stats.upstream_rq_pending_active = c.breaker.pending
  const health = c.outlier?.toJSON() ?? {}
  const hosts = c.hosts().map((h) => {
    const o = health[h.address]
    return {
      address: h.address,
      workload: h.workload,
      healthFlags: o?.ejected ? '/failed_outlier_check' : 'healthy',
      timesEjected: o?.timesEjected ?? 0,
      consecutive5xx: o?.consecutive5xx ?? 0,
    }
  })
  const limits = c.breaker.limits
  return {
    name: c.name,
    stats: sortKeys(stats),
    circuitBreakers: { maxConnections: limits.maxConnections, maxPendingRequests: limits.maxPending, maxRequests: limits.maxRequests },
    hosts,
  }
}

function merge(a: ClusterStats, b: ClusterStats): ClusterStats {
  const stats: Record<string, number> = { ...a.stats }
  for (const [k, v] of Object.entries(b.stats)) stats[k] = (stats[k] ?? 0) + v
  const hosts = new Map(a.hosts.map((h) => [h.address, h]))
  for (const h of b.hosts) hosts.set(h.address, h)
  return { name: a.name, stats: sortKeys(stats), circuitBreakers: b.circuitBreakers, hosts: [...hosts.values()] }
}

/** Envoy admin text: `/stats` lines for the counters, then `/clusters` lines for thresholds and hosts. */
export function formatClusterStatsText(view: ClusterStatsView): string {
  const lines: string[] = []
  for (const c of view.clusters) {
    for (const [name, value] of Object.entries(c.stats)) lines.push(`cluster.${c.name}.${name}: ${value}`)
  }
  for (const c of view.clusters) {
    lines.push(`${c.name}::default_priority::max_connections::${c.circuitBreakers.maxConnections}`)
    lines.push(`${c.name}::default_priority::max_pending_requests::${c.circuitBreakers.maxPendingRequests}`)
    lines.push(`${c.name}::default_priority::max_requests::${c.circuitBreakers.maxRequests}`)
    for (const h of c.hosts) {
      lines.push(`${c.name}::${h.address}::hostname::${h.workload}`)
      lines.push(`${c.name}::${h.address}::health_flags::${h.healthFlags}`)
      lines.push(`${c.name}::${h.address}::outlier::times_ejected::${h.timesEjected}`)
      lines.push(`${c.name}::${h.address}::outlier::consecutive_5xx::${h.consecutive5xx}`)
    }
  }
  return lines.length ? `${lines.join('\n')}\n` : ''
}

const sortKeys = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)))
