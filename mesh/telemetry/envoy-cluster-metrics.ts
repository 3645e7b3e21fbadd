/**
 * Every proxy's Envoy cluster counters as Prometheus series, named as Envoy's `/stats/prometheus`
 * names them (`envoy_cluster_upstream_rq_retry{cluster_name="outbound|9080|v1|reviews…"}`), so
 * PromQL can compare retries, overflows and ejections across callers. Read at scrape time.
 */
import type { Registry } from 'prom-client'
import { collectedCounter, collectedGauge, type Sample } from './collected-metrics.ts'
import { registerEnvoyListenerMetrics, type ProxyListeners } from './envoy-listener-metrics.ts'
import { clusterStatsView, ENVOY_CLUSTER_COUNTERS, ENVOY_CLUSTER_GAUGES, type ClusterSource } from './envoy-cluster-stats.ts'

/** One proxy (a sidecar, or the ingress gateway) and its clusters (and listeners) right now. */
export interface ProxyClusters extends ProxyListeners {
  readonly workload: string
  /** The pod name Prometheus' Kubernetes discovery would attach (`reviews-v2-5b8c7f9d4c-x2k9p`). */
  readonly pod: string
  readonly namespace: string
  readonly app: string
  readonly version: string
  clusters(): readonly ClusterSource[]
}

/** Labels: Envoy's `cluster_name`, plus the pod labels a Kubernetes scrape adds, plus `workload`. */
export const ENVOY_CLUSTER_LABELS = ['cluster_name', 'workload', 'pod', 'namespace', 'app', 'version'] as const

/** `outlier_detection.ejections_active` → `envoy_cluster_outlier_detection_ejections_active`. */
export const envoyMetricName = (stat: string) => `envoy_cluster_${stat.replace(/\./g, '_')}`

/** Registers one metric per cluster and listener counter/gauge in `registry`; `proxies` is read on every scrape. */
export function registerEnvoyClusterMetrics(registry: Registry, proxies: () => Iterable<ProxyClusters>): void {
  const samples = (stat: string): Sample[] => {
    const out: Sample[] = []
    for (const p of proxies()) {
      for (const c of clusterStatsView(p.workload, p.clusters()).clusters) {
        out.push({
          labels: { cluster_name: c.name, workload: p.workload, pod: p.pod, namespace: p.namespace, app: p.app, version: p.version },
          value: c.stats[stat] ?? 0,
        })
      }
    }
    return out
  }
  const labelNames = ENVOY_CLUSTER_LABELS
  for (const stat of ENVOY_CLUSTER_COUNTERS) {
    collectedCounter({ name: envoyMetricName(stat), help: `Envoy cluster counter ${stat}.`, labelNames, registry }, () => samples(stat))
  }
  for (const stat of ENVOY_CLUSTER_GAUGES) {
    collectedGauge({ name: envoyMetricName(stat), help: `Envoy cluster gauge ${stat}.`, labelNames, registry }, () => samples(stat))
  }
  registerEnvoyListenerMetrics(registry, proxies)
}
