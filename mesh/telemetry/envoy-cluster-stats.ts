/**
 * One proxy's upstream clusters as plain data, read live: Envoy's cluster counters and gauges (for
 * `/stats` and Prometheus), circuit-breaker thresholds of both priorities, and each host with its
 * health and per-host stats (for `/clusters`). This is where retries, overflows and ejections
 * become visible per caller; envoy-clusters-format.ts and envoy-stats-format.ts print it as Envoy does.
 */
import type { UpstreamCluster } from '../sidecar/cluster.ts'
import type { HostStats } from './host-stats.ts'

/** What the view reads from a cluster (a structural subset, so tests can pass plain objects). */
export type ClusterSource = Pick<UpstreamCluster, 'name' | 'counters' | 'breaker' | 'outlier' | 'hosts' | 'hostStats' | 'policy'>

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

/** Envoy's "unlimited" threshold, Istio's default for every default-priority limit. */
const UNLIMITED = 4294967295

/** One priority's circuit-breaker thresholds. */
export interface Thresholds {
  readonly maxConnections: number
  readonly maxPendingRequests: number
  readonly maxRequests: number
  readonly maxRetries: number
}

/**
 * Istio sets only the default priority's thresholds (DestinationRule limits, else 4294967295); the
 * high priority keeps Envoy's own defaults.
 */
export const ENVOY_HIGH_PRIORITY: Thresholds = Object.freeze({ maxConnections: 1024, maxPendingRequests: 1024, maxRequests: 1024, maxRetries: 3 })

/** One endpoint of a cluster as `/clusters` shows it. */
export interface HostView {
  /** `127.0.0.1:41234`: the endpoint's address (its inbound sidecar). */
  readonly address: string
  /** Printed as the host's hostname (see docs/observability.md: Istio's EDS hosts have none). */
  readonly workload: string
  /** Envoy's `health_flags`: `healthy`, or `/failed_outlier_check` while ejected. */
  readonly healthFlags: string
  readonly ejected: boolean
  readonly stats: HostStats
}

/** One upstream cluster: its counters, thresholds and hosts. */
export interface ClusterStats {
  readonly name: string
  /** Counters and gauges by Envoy name, sorted. */
  readonly stats: Readonly<Record<string, number>>
  readonly circuitBreakers: { readonly default: Thresholds; readonly high: Thresholds }
  /** Outlier detection is configured (Envoy prints its success-rate lines only then). */
  readonly outlierDetection: boolean
  readonly hosts: readonly HostView[]
}

/** One proxy's clusters. */
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
  const hosts = c.hosts().map((h): HostView => {
    const ejected = health[h.address]?.ejected === true
    return { address: h.address, workload: h.workload, healthFlags: ejected ? '/failed_outlier_check' : 'healthy', ejected, stats: c.hostStats(h) }
  })
  const limits = c.breaker.limits
  return {
    name: c.name,
    stats: sortKeys(stats),
    circuitBreakers: {
      default: {
        maxConnections: limits.maxConnections,
        maxPendingRequests: limits.maxPending,
        maxRequests: limits.maxRequests,
        maxRetries: c.policy.connectionPool?.http?.maxRetries ?? UNLIMITED,
      },
      high: ENVOY_HIGH_PRIORITY,
    },
    outlierDetection: c.outlier !== undefined,
    hosts,
  }
}

function merge(a: ClusterStats, b: ClusterStats): ClusterStats {
  const stats: Record<string, number> = { ...a.stats }
  for (const [k, v] of Object.entries(b.stats)) stats[k] = (stats[k] ?? 0) + v
  const hosts = new Map(a.hosts.map((h) => [h.address, h]))
  for (const h of b.hosts) {
    const seen = hosts.get(h.address)
    hosts.set(h.address, seen ? { ...h, stats: addHostStats(seen.stats, h.stats) } : h)
  }
  return { ...b, stats: sortKeys(stats), hosts: [...hosts.values()] }
}

function addHostStats(a: HostStats, b: HostStats): HostStats {
  const out: Record<string, number> = {}
  for (const k of Object.keys(a) as (keyof HostStats)[]) out[k] = a[k] + b[k]
  return out as unknown as HostStats
}

const sortKeys = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)))
