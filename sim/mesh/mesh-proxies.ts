/**
 * Every proxy of a running mesh with its upstream clusters and listeners: each workload's sidecar,
 * the ingress gateway, and the meshed load clients started so far. Read on every call: clusters come
 * and go with config pushes, clients on first use.
 */
import type { ProxyClusters } from '../../mesh/telemetry/envoy-cluster-metrics.ts'
import type { OutboundProxy } from '../../mesh/sidecar/outbound-proxy.ts'
import type { WorkloadIdentity } from '../../mesh/sidecar/workload.ts'
import type { MeshedClients } from '../load/meshed-client.ts'
import type { RunningWorkload } from './workload-runtime.ts'

/** Envoy's listener names: a sidecar's inbound (virtualInbound) and the gateway's HTTP port. */
const INBOUND_LISTENER = '0.0.0.0_15006'
const GATEWAY_LISTENER_PORT = 8080

/** The parts of a mesh that run proxies. */
export interface ProxyParts {
  readonly workloads: ReadonlyMap<string, RunningWorkload>
  readonly gateway: OutboundProxy
  readonly gatewayIdentity: WorkloadIdentity
  readonly clients: MeshedClients
}

export function meshProxies(mesh: ProxyParts): ProxyClusters[] {
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
  // A load client has no inbound listener: only its outbound clusters.
  for (const c of mesh.clients.list()) {
    proxies.push({ workload: c.name, pod: c.name, namespace: c.identity.namespace, app: c.identity.app, version: c.identity.version || 'unknown', clusters: () => c.sidecar.clusters.list() })
  }
  return proxies
}
