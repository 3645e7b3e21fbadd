import { Registry } from 'prom-client'
import { expect, test } from 'vitest'
import { Counters } from './counters.ts'
import { registerEnvoyClusterMetrics } from './envoy-cluster-metrics.ts'
import { clusterStatsView, formatClusterStatsText, type ClusterSource } from './envoy-cluster-stats.ts'
import { parsePrometheusText, sampleSum } from './prometheus-text.ts'

function fakeCluster(): ClusterSource {
  const counters = new Counters()
  counters.inc('upstream_rq_total', 7)
  counters.inc('upstream_rq_retry', 3)
  counters.inc('outlier_detection.ejections_enforced_total')
  counters.inc('outlier_detection.ejections_active')
  const endpoint = (workload: string, address: string) => ({ workload, service: 'reviews', labels: {}, address, dialAddress: address, ready: true })
  return {
    name: 'outbound|9080|v2|reviews.default.svc.cluster.local',
    counters,
    breaker: { active: 1, pending: 0, limits: { maxConnections: 1, maxPending: 1, maxRequests: 4294967295, reconnectMs: 0 } },
    outlier: { toJSON: () => ({ '127.0.0.1:1001': { ejected: true, timesEjected: 1, consecutive5xx: 0 } }) },
    hosts: () => [endpoint('reviews-v2', '127.0.0.1:1001'), endpoint('reviews-v2', '127.0.0.1:1002')],
  } as unknown as ClusterSource
}

test("one proxy's clusters in Envoy's /stats and /clusters text, and as JSON", () => {
  const view = clusterStatsView('productpage-v1', [fakeCluster()])
  const text = formatClusterStatsText(view)
  const c = 'outbound|9080|v2|reviews.default.svc.cluster.local'
  expect(text).toContain(`cluster.${c}.upstream_rq_retry: 3\n`)
  expect(text).toContain(`cluster.${c}.upstream_rq_total: 7\n`)
  expect(text).toContain(`cluster.${c}.upstream_rq_pending_overflow: 0\n`)
  expect(text).toContain(`cluster.${c}.upstream_rq_per_try_timeout: 0\n`)
  expect(text).toContain(`cluster.${c}.outlier_detection.ejections_enforced_total: 1\n`)
  expect(text).toContain(`cluster.${c}.outlier_detection.ejections_active: 1\n`)
  expect(text).toContain(`${c}::default_priority::max_connections::1\n`)
  expect(text).toContain(`${c}::127.0.0.1:1001::health_flags::/failed_outlier_check\n`)
  expect(text).toContain(`${c}::127.0.0.1:1002::health_flags::healthy\n`)
  expect(view.clusters[0]!.stats.upstream_rq_active).toBe(1)
})

test('Envoy cluster counters as Prometheus series with cluster_name and pod labels', async () => {
  const registry = new Registry()
  const cluster = fakeCluster()
  registerEnvoyClusterMetrics(registry, () => [{ workload: 'productpage-v1', pod: 'productpage-v1-abc-x', namespace: 'default', app: 'productpage', version: 'v1', clusters: () => [cluster] }])
  const families = parsePrometheusText(await registry.metrics())
  const labels = { cluster_name: 'outbound|9080|v2|reviews.default.svc.cluster.local', workload: 'productpage-v1', pod: 'productpage-v1-abc-x' }
  expect(families.get('envoy_cluster_upstream_rq_retry')?.type).toBe('counter')
  expect(sampleSum(families, 'envoy_cluster_upstream_rq_retry', labels)).toBe(3)
  expect(sampleSum(families, 'envoy_cluster_outlier_detection_ejections_enforced_total', labels)).toBe(1)
  expect(families.get('envoy_cluster_outlier_detection_ejections_active')?.type).toBe('gauge')
  expect(sampleSum(families, 'envoy_cluster_outlier_detection_ejections_active', labels)).toBe(1)
})
