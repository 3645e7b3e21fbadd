/**
 * Envoy's admin `/clusters`, as its ClustersHandler writes it: text lines `cluster::key::value`
 * (observability name, outlier averages when outlier detection is on, the thresholds of both
 * priorities, `added_via_api`, the EDS service name, then per host its stats sorted by name and its
 * hostname, health, weight, locality, canary, priority and success rates), or `?format=json`,
 * the `envoy.admin.v3.Clusters` message in proto3 JSON.
 */
import type { ClusterStats, ClusterStatsView, HostView, Thresholds } from './envoy-cluster-stats.ts'
import { HOST_COUNTERS, HOST_GAUGES } from './host-stats.ts'

/** Envoy prints -1 for a success rate it has not computed (Istio configures no success-rate ejection). */
const NOT_COMPUTED = -1

export function formatClustersText(view: ClusterStatsView): string {
  const lines: string[] = []
  for (const c of view.clusters) {
    const n = c.name
    // Istio's clusters have no alt_stat_name here (meshdojo's stats prefix is the name) and are EDS clusters named after themselves.
    lines.push(`${n}::observability_name::${n}`)
    if (c.outlierDetection) {
      for (const key of ['success_rate_average', 'success_rate_ejection_threshold', 'local_origin_success_rate_average', 'local_origin_success_rate_ejection_threshold']) {
        lines.push(`${n}::outlier::${key}::${NOT_COMPUTED}`)
      }
    }
    thresholdLines(n, 'default', c.circuitBreakers.default, lines)
    thresholdLines(n, 'high', c.circuitBreakers.high, lines)
    lines.push(`${n}::added_via_api::true`)
    lines.push(`${n}::eds_service_name::${n}`)
    for (const h of c.hosts) hostLines(n, h, lines)
  }
  return lines.length ? `${lines.join('\n')}\n` : ''
}

function thresholdLines(cluster: string, priority: 'default' | 'high', t: Thresholds, lines: string[]): void {
  lines.push(`${cluster}::${priority}_priority::max_connections::${t.maxConnections}`)
  lines.push(`${cluster}::${priority}_priority::max_pending_requests::${t.maxPendingRequests}`)
  lines.push(`${cluster}::${priority}_priority::max_requests::${t.maxRequests}`)
  lines.push(`${cluster}::${priority}_priority::max_retries::${t.maxRetries}`)
}

function hostLines(cluster: string, h: HostView, lines: string[]): void {
  const at = `${cluster}::${h.address}`
  // Counters and gauges together, sorted by name (Envoy collects them in a std::map).
  for (const name of [...HOST_COUNTERS, ...HOST_GAUGES].sort()) lines.push(`${at}::${name}::${h.stats[name]}`)
  lines.push(`${at}::hostname::${h.workload}`)
  lines.push(`${at}::health_flags::${h.healthFlags}`)
  lines.push(`${at}::weight::1`)
  lines.push(`${at}::region::`)
  lines.push(`${at}::zone::`)
  lines.push(`${at}::sub_zone::`)
  lines.push(`${at}::canary::false`)
  lines.push(`${at}::priority::0`)
  lines.push(`${at}::success_rate::${NOT_COMPUTED}`)
  lines.push(`${at}::local_origin_success_rate::${NOT_COMPUTED}`)
}

/** `{"cluster_statuses": […]}`, pretty-printed with one space per level as Envoy's admin does. */
export function formatClustersJson(view: ClusterStatsView): string {
  return JSON.stringify(clustersJson(view), null, 1)
}

/**
 * The message as plain JSON, fields in field-number order (the order protobuf prints them), proto3
 * defaults left out: a zero counter is just its name, a DEFAULT priority has no `priority`, uint64
 * values are strings.
 */
export function clustersJson(view: ClusterStatsView): { cluster_statuses: unknown[] } {
  return { cluster_statuses: view.clusters.map(clusterJson) }
}

function clusterJson(c: ClusterStats) {
  return {
    name: c.name,
    added_via_api: true,
    host_statuses: c.hosts.map(hostJson),
    circuit_breakers: { thresholds: [thresholdsJson(c.circuitBreakers.default), { priority: 'HIGH', ...thresholdsJson(c.circuitBreakers.high) }] },
    observability_name: c.name,
    eds_service_name: c.name,
  }
}

const thresholdsJson = (t: Thresholds) => ({ max_connections: t.maxConnections, max_pending_requests: t.maxPendingRequests, max_requests: t.maxRequests, max_retries: t.maxRetries })

function hostJson(h: HostView) {
  const colon = h.address.lastIndexOf(':')
  const metric = (name: (typeof HOST_COUNTERS)[number] | (typeof HOST_GAUGES)[number], gauge: boolean) => {
    const value = h.stats[name]
    return { ...(gauge ? { type: 'GAUGE' } : {}), ...(value ? { value: String(value) } : {}), name }
  }
  return {
    address: { socket_address: { address: h.address.slice(0, colon), port_value: Number(h.address.slice(colon + 1)) } },
    stats: [...HOST_COUNTERS.map((n) => metric(n, false)), ...HOST_GAUGES.map((n) => metric(n, true))],
    health_status: { ...(h.ejected ? { failed_outlier_check: true } : {}), eds_health_status: 'HEALTHY' },
    weight: 1,
    hostname: h.workload,
    locality: {},
  }
}
