/**
 * Meshed load clients, like the fortio pod in Istio's circuit-breaking task: workloads with their own
 * sidecar, so the client-side limits of a DestinationRule (connectionPool) apply to their calls. One
 * registry per mesh starts each on first use and shares it, so the admin API's `/load`, a lesson's
 * traffic and every view (stats, clusters, logs, metrics, dashboard) see the same `fortio-v1`.
 */
import type { Dispatcher } from 'undici'
import { egressCapture } from '../../mesh/sidecar/egress-capture.ts'
import { startOutboundProxy, type OutboundProxy, type ProxyDeps } from '../../mesh/sidecar/outbound-proxy.ts'
import { workloadIdentity, type WorkloadIdentity } from '../../mesh/sidecar/workload.ts'

export interface MeshedClient {
  readonly name: string
  readonly identity: WorkloadIdentity
  readonly dispatcher: Dispatcher
  readonly sidecar: OutboundProxy
  /** Stops the client and its sidecar, and takes it out of the registry (a later `get` starts a new one). */
  close(): Promise<void>
}

/** The meshed clients of one mesh, by workload name. */
export class MeshedClients {
  private readonly starting = new Map<string, Promise<MeshedClient>>()
  private readonly running = new Map<string, MeshedClient>()

  constructor(
    private readonly deps: ProxyDeps,
    /** Makes the identity known to telemetry (the mesh's workload directory). */
    private readonly register: (identity: WorkloadIdentity) => void,
  ) {}

  /** `fortio` → `fortio-v1`, started on first use; every caller gets the same client. */
  get(app = 'fortio', version = 'v1'): Promise<MeshedClient> {
    const identity = workloadIdentity(app, version)
    let client = this.starting.get(identity.name)
    if (!client) {
      client = this.start(identity)
      this.starting.set(identity.name, client)
      client.catch(() => this.starting.delete(identity.name)) // try again next time
    }
    return client
  }

  /** Clients started so far, for the views. */
  list(): readonly MeshedClient[] {
    return [...this.running.values()]
  }

  has(workload: string): boolean {
    return this.running.has(workload)
  }

  async close(): Promise<void> {
    const all = await Promise.allSettled([...this.starting.values()])
    await Promise.all(all.map((c) => (c.status === 'fulfilled' ? c.value.close() : undefined)))
  }

  private async start(identity: WorkloadIdentity): Promise<MeshedClient> {
    this.register(identity)
    const sidecar = await startOutboundProxy(identity, this.deps, { kind: 'sidecar', private: true })
    const dispatcher = egressCapture(sidecar.listener)
    const client: MeshedClient = {
      name: identity.name,
      identity,
      dispatcher,
      sidecar,
      close: async () => {
        if (this.running.get(identity.name) === client) {
          this.running.delete(identity.name)
          this.starting.delete(identity.name)
        }
        await dispatcher.destroy()
        await sidecar.close()
      },
    }
    this.running.set(identity.name, client)
    return client
  }
}

/** The mesh's meshed client `app`-`version`, started on first use (shared with every other user of it). */
export function startMeshedClient(mesh: { readonly clients: MeshedClients }, app = 'fortio', version = 'v1'): Promise<MeshedClient> {
  return mesh.clients.get(app, version)
}
