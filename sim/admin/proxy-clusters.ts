/** Every proxy of a running mesh with its upstream clusters: each sidecar's outbound side and the ingress gateway. */
import type { ProxyClusters } from '../../mesh/telemetry/envoy-cluster-metrics.ts'
import type { Mesh } from '../mesh/start-mesh.ts'

/** Envoy's listener names: a sidecar's inbound (virtualInbound) and the gateway's HTTP port. */
const INBOUND_LISTENER = '0.0.0.0_15006'
const GATEWAY_LISTENER_PORT = 8080

/** Read on every call: clusters come and go with config pushes. */
export function meshProxies(mesh: Mesh): ProxyClusters[] {
  const proxies: ProxyClusters[] = [...mesh.workloads.values()].map((w) => ({
    workload: w.identity.name,
    pod: w.podName,
    namespace: w.identity.namespace,
    app: w.identity.app,
    version: w.identity.version || 'unknown',
    clusters: () => w.outbound.clusters.list(),
    listeners: () => new Map([[INBOUND_LISTENER, w.inbound.listener.stats]]),
  }))
  const g = mesh.gatewayIdentity
  proxies.push({
    workload: g.name,
    pod: g.name,
    namespace: g.namespace,
    app: g.app,
    version: g.version || 'unknown',
    clusters: () => mesh.gateway.clusters.list(),
    listeners: () => new Map([[`0.0.0.0_${GATEWAY_LISTENER_PORT}`, mesh.gateway.listener.stats]]),
  })
  return proxies
}

/** Workload names, for "unknown workload" answers. */
export const proxyNames = (mesh: Mesh): string[] => meshProxies(mesh).map((p) => p.workload)
