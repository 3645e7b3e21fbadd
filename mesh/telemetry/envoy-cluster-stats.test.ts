import { Registry } from 'prom-client'
import { expect, test } from 'vitest'
import { Counters } from './counters.ts'
import { registerEnvoyClusterMetrics } from './envoy-cluster-metrics.ts'
import { clusterStatsView, type ClusterSource } from './envoy-cluster-stats.ts'
import { formatClustersJson, formatClustersText } from './envoy-clusters-format.ts'
import { formatStatsJson, formatStatsText } from './envoy-stats-format.ts'
import type { HostStats } from './host-stats.ts'
import { parsePrometheusText, sampleSum } from './prometheus-text.ts'

const C = 'outbound|9080|v2|reviews.default.svc.cluster.local'

function fakeCluster(options: { outlier?: boolean } = {}): ClusterSource {
  const counters = new Counters()
  counters.inc('upstream_rq_total', 7)
  counters.inc('upstream_rq_retry', 3)
  counters.inc('outlier_detection.ejections_enforced_total')
  counters.inc('outlier_detection.ejections_active')
  const endpoint = (workload: string, address: string) => ({ workload, service: 'reviews', labels: {}, address, dialAddress: address, ready: true })
  const stats: Record<string, HostStats> = {
    '127.0.0.1:1001': { cx_connect_fail: 0, cx_total: 2, rq_error: 5, rq_success: 1, rq_timeout: 1, rq_total: 6, cx_active: 1, rq_active: 1 },
    '127.0.0.1:1002': { cx_connect_fail: 0, cx_total: 1, rq_error: 0, rq_success: 1, rq_timeout: 0, rq_total: 1, cx_active: 1, rq_active: 0 },
  }
  return {
    name: C,
    counters,
    breaker: { active: 1, pending: 0, limits: { maxConnections: 1, maxPending: 1, maxRequests: 4294967295, reconnectShare: 0 } },
    policy: { connectionPool: { http: { maxRetries: 2 } } },
    outlier: options.outlier === false ? undefined : { toJSON: () => ({ '127.0.0.1:1001': { ejected: true, timesEjected: 1, consecutive5xx: 0 } }) },
    hosts: () => [endpoint('reviews-v2', '127.0.0.1:1001'), endpoint('reviews-v2', '127.0.0.1:1002')],
    hostStats: (e: { address: string }) => stats[e.address]!,
  } as unknown as ClusterSource
}

test("/clusters text is Envoy's, line for line: thresholds of both priorities, outlier averages, per-host stats", () => {
  const text = formatClustersText(clusterStatsView('productpage-v1', [fakeCluster()]))
  const host = (address: string, lines: string[]) => lines.map((l) => `${C}::${address}::${l}`)
  expect(text.split('\n')).toEqual([
    `${C}::observability_name::${C}`,
    `${C}::outlier::success_rate_average::-1`,
    `${C}::outlier::success_rate_ejection_threshold::-1`,
    `${C}::outlier::local_origin_success_rate_average::-1`,
    `${C}::outlier::local_origin_success_rate_ejection_threshold::-1`,
    `${C}::default_priority::max_connections::1`,
    `${C}::default_priority::max_pending_requests::1`,
    `${C}::default_priority::max_requests::4294967295`,
    `${C}::default_priority::max_retries::2`,
    `${C}::high_priority::max_connections::1024`,
    `${C}::high_priority::max_pending_requests::1024`,
    `${C}::high_priority::max_requests::1024`,
    `${C}::high_priority::max_retries::3`,
    `${C}::added_via_api::true`,
    `${C}::eds_service_name::${C}`,
    ...host('127.0.0.1:1001', [
      'cx_active::1', 'cx_connect_fail::0', 'cx_total::2', 'rq_active::1', 'rq_error::5', 'rq_success::1', 'rq_timeout::1', 'rq_total::6',
      'hostname::reviews-v2', 'health_flags::/failed_outlier_check', 'weight::1', 'region::', 'zone::', 'sub_zone::', 'canary::false', 'priority::0',
      'success_rate::-1', 'local_origin_success_rate::-1',
    ]),
    ...host('127.0.0.1:1002', [
      'cx_active::1', 'cx_connect_fail::0', 'cx_total::1', 'rq_active::0', 'rq_error::0', 'rq_success::1', 'rq_timeout::0', 'rq_total::1',
      'hostname::reviews-v2', 'health_flags::healthy', 'weight::1', 'region::', 'zone::', 'sub_zone::', 'canary::false', 'priority::0',
      'success_rate::-1', 'local_origin_success_rate::-1',
    ]),
    '',
  ])
  // No outlier detection configured: no outlier lines, as Envoy.
  expect(formatClustersText(clusterStatsView('p', [fakeCluster({ outlier: false })]))).not.toContain('::outlier::')
})

test("/clusters?format=json is Envoy's ClusterStatuses in proto3 JSON: zero counters bare, uint64 as strings, 1-space indent", () => {
  const json = formatClustersJson(clusterStatsView('productpage-v1', [fakeCluster()]))
  expect(json.startsWith('{\n "cluster_statuses": [\n  {\n   "name": ')).toBe(true)
  const parsed = JSON.parse(json)
  expect(Object.keys(parsed)).toEqual(['cluster_statuses'])
  const [cluster] = parsed.cluster_statuses
  expect(Object.keys(cluster)).toEqual(['name', 'added_via_api', 'host_statuses', 'circuit_breakers', 'observability_name', 'eds_service_name'])
  expect(cluster.circuit_breakers).toEqual({
    thresholds: [
      { max_connections: 1, max_pending_requests: 1, max_requests: 4294967295, max_retries: 2 },
      { priority: 'HIGH', max_connections: 1024, max_pending_requests: 1024, max_requests: 1024, max_retries: 3 },
    ],
  })
  expect(cluster.host_statuses[0]).toEqual({
    address: { socket_address: { address: '127.0.0.1', port_value: 1001 } },
    stats: [
      { name: 'cx_connect_fail' },
      { value: '2', name: 'cx_total' },
      { value: '5', name: 'rq_error' },
      { value: '1', name: 'rq_success' },
      { value: '1', name: 'rq_timeout' },
      { value: '6', name: 'rq_total' },
      { type: 'GAUGE', value: '1', name: 'cx_active' },
      { type: 'GAUGE', value: '1', name: 'rq_active' },
    ],
    health_status: { failed_outlier_check: true, eds_health_status: 'HEALTHY' },
    weight: 1,
    hostname: 'reviews-v2',
    locality: {},
  })
  expect(Object.keys(cluster.host_statuses[0])).toEqual(['address', 'stats', 'health_status', 'weight', 'hostname', 'locality'])
  expect(cluster.host_statuses[1].health_status).toEqual({ eds_health_status: 'HEALTHY' })
})

test("/stats: one proxy's cluster counters and gauges as Envoy's /stats lines, sorted, or as its JSON", () => {
  const view = clusterStatsView('productpage-v1', [fakeCluster()])
  const text = formatStatsText(view)
  expect(text).toContain(`cluster.${C}.upstream_rq_retry: 3\n`)
  expect(text).toContain(`cluster.${C}.upstream_rq_pending_overflow: 0\n`)
  expect(text).toContain(`cluster.${C}.outlier_detection.ejections_active: 1\n`)
  expect(text).toContain(`cluster.${C}.upstream_rq_active: 1\n`)
  const names = text.trimEnd().split('\n').map((l) => l.split(': ')[0]!)
  expect(names).toEqual([...names].sort())
  expect(JSON.parse(formatStatsJson(view)).stats).toContainEqual({ name: `cluster.${C}.upstream_rq_total`, value: 7 })
})

test('Envoy cluster counters as Prometheus series with cluster_name and pod labels', async () => {
  const registry = new Registry()
  const cluster = fakeCluster()
  registerEnvoyClusterMetrics(registry, () => [{ workload: 'productpage-v1', pod: 'productpage-v1-abc-x', namespace: 'default', app: 'productpage', version: 'v1', clusters: () => [cluster] }])
  const families = parsePrometheusText(await registry.metrics())
  const labels = { cluster_name: C, workload: 'productpage-v1', pod: 'productpage-v1-abc-x' }
  expect(families.get('envoy_cluster_upstream_rq_retry')?.type).toBe('counter')
  expect(sampleSum(families, 'envoy_cluster_upstream_rq_retry', labels)).toBe(3)
  expect(sampleSum(families, 'envoy_cluster_outlier_detection_ejections_enforced_total', labels)).toBe(1)
  expect(families.get('envoy_cluster_outlier_detection_ejections_active')?.type).toBe('gauge')
  expect(sampleSum(families, 'envoy_cluster_outlier_detection_ejections_active', labels)).toBe(1)
})
