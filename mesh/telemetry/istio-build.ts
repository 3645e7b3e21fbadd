/**
 * `istio_build`: the gauge every Istio proxy exports once its stats filter is configured, value 1
 * with `component="proxy"` and `tag` = the proxy's ISTIO_VERSION. The mesh dashboard's version
 * panel sums it by (component, tag), so there is one series per proxy, told apart by the pod
 * labels a Kubernetes scrape would add (as on the Envoy series).
 */
import type { Registry } from 'prom-client'
import { collectedGauge } from './collected-metrics.ts'
import type { ProxyListeners } from './envoy-listener-metrics.ts'

/**
 * The Istio release whose behaviour and figures meshdojo follows: the latest stable tag of the
 * istio/istio snapshot its samples and defaults were read from.
 */
export const ISTIO_VERSION = '1.30.3'

export const ISTIO_BUILD_LABELS = ['component', 'tag', 'workload', 'pod', 'namespace', 'app', 'version'] as const

/** Registers `istio_build` in `registry`; `proxies` is read on every scrape. */
export function registerIstioBuild(registry: Registry, proxies: () => Iterable<Omit<ProxyListeners, 'listeners'>>, tag = ISTIO_VERSION): void {
  collectedGauge({ name: 'istio_build', help: 'Istio component build info', labelNames: ISTIO_BUILD_LABELS, registry }, function* () {
    for (const p of proxies()) {
      yield { labels: { component: 'proxy', tag, workload: p.workload, pod: p.pod, namespace: p.namespace, app: p.app, version: p.version }, value: 1 }
    }
  })
}
