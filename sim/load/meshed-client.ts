/**
 * A meshed load client, like the fortio pod in Istio's circuit-breaking task: a workload with its
 * own sidecar, so the client-side limits of a DestinationRule (connectionPool) apply to its calls.
 */
import type { Dispatcher } from 'undici'
import { egressCapture } from '../../mesh/sidecar/egress-capture.ts'
import { startOutboundProxy, type OutboundProxy } from '../../mesh/sidecar/outbound-proxy.ts'
import { workloadIdentity } from '../../mesh/sidecar/workload.ts'
import type { Mesh } from '../mesh/start-mesh.ts'

export interface MeshedClient {
  readonly name: string
  readonly dispatcher: Dispatcher
  readonly sidecar: OutboundProxy
  close(): Promise<void>
}

export async function startMeshedClient(mesh: Mesh, app = 'fortio', version = 'v1'): Promise<MeshedClient> {
  const identity = workloadIdentity(app, version)
  mesh.registerClient(identity)
  const sidecar = await startOutboundProxy(identity, mesh.proxyDeps, { kind: 'sidecar', private: true })
  const dispatcher = egressCapture(sidecar.listener)
  return {
    name: identity.name,
    dispatcher,
    sidecar,
    async close() {
      await dispatcher.destroy()
      await sidecar.close()
    },
  }
}
