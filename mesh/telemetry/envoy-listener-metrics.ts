/**
 * Every proxy's listener counters as Envoy's `/stats/prometheus` names them
 * (`envoy_listener_ssl_fail_verify_error{envoy_listener_address="0.0.0.0_15006"}`): the place a
 * refused handshake shows, since a connection that never carried a request has no Istio metric.
 */
import type { Registry } from 'prom-client'
import { LISTENER_COUNTERS, type ListenerStats } from '../http/listener-stats.ts'
import { collectedCounter, type Sample } from './collected-metrics.ts'

/** One proxy's listeners, by Envoy's listener address (`0.0.0.0_15006` is a sidecar's inbound). */
export interface ProxyListeners {
  readonly workload: string
  readonly pod: string
  readonly namespace: string
  readonly app: string
  readonly version: string
  readonly listeners?: () => ReadonlyMap<string, ListenerStats>
}

export const ENVOY_LISTENER_LABELS = ['envoy_listener_address', 'workload', 'pod', 'namespace', 'app', 'version'] as const

/** `ssl.fail_verify_error` → `envoy_listener_ssl_fail_verify_error`. */
export const envoyListenerMetricName = (stat: string) => `envoy_listener_${stat.replace(/\./g, '_')}`

export function registerEnvoyListenerMetrics(registry: Registry, proxies: () => Iterable<ProxyListeners>): void {
  for (const stat of LISTENER_COUNTERS) {
    collectedCounter({ name: envoyListenerMetricName(stat), help: `Envoy listener counter ${stat}.`, labelNames: ENVOY_LISTENER_LABELS, registry }, () => {
      const out: Sample[] = []
      for (const p of proxies()) {
        for (const [address, stats] of p.listeners?.() ?? []) {
          out.push({ labels: { envoy_listener_address: address, workload: p.workload, pod: p.pod, namespace: p.namespace, app: p.app, version: p.version }, value: stats.get(stat) })
        }
      }
      return out
    })
  }
}
