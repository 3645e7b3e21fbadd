/**
 * The outbound side of a proxy: a listener whose requests go through the route table compiled
 * from the latest config push. Used by every sidecar (reporter `source`) and by the ingress gateway.
 * A push swaps the table atomically; requests already routed finish on the table they started with.
 */
import type { Clock } from '../clock.ts'
import { compose, type Filter, type MeshRequest } from '../filter.ts'
import type { RandomSource } from '../random.ts'
import type { ServiceRegistry } from '../control/registry.ts'
import { startListener, type Listener } from '../http/listener.ts'
import { localReplies } from '../filters/local-reply.ts'
import { forwardedProto } from '../filters/forwarded-for.ts'
import { requestId } from '../filters/request-id.ts'
import { tracing } from '../filters/tracing.ts'
import type { TelemetrySink, WorkloadRef } from '../telemetry/record.ts'
import { UNKNOWN_WORKLOAD } from '../telemetry/record.ts'
import { shortName } from '../telemetry/stats.ts'
import { ClusterManager } from './cluster-manager.ts'
import type { ConfigFeed } from './config-feed.ts'
import { compileRouteTable, routeRandoms, type ProxyIdentity, type RouteTable } from './route-table.ts'
import { report } from './report.ts'
import { workloadRef, type WorkloadDirectory, type WorkloadIdentity } from './workload.ts'
import { announcePeer } from './peer-metadata.ts'
import type { MeshSecurity } from '../security/mesh-security.ts'

export interface ProxyDeps {
  readonly clock: Clock
  readonly random: RandomSource
  readonly registry: ServiceRegistry
  readonly config: ConfigFeed
  readonly telemetry: TelemetrySink
  readonly directory: WorkloadDirectory
  /** The mesh's CA, certificates and mTLS decisions; absent: plain text everywhere (benchmarks). */
  readonly security?: MeshSecurity
}

export interface OutboundOptions {
  readonly kind: ProxyIdentity['kind']
  /**
   * The gateway's header handling for callers outside the mesh (sanitizing, use_remote_address's
   * XFF), after local replies and before request-id generation. Gateways only.
   */
  readonly edgeFilters?: readonly Filter[]
  readonly port?: number
  readonly host?: string
  /** No port: only in-process connections reach it (a sidecar's outbound side, reached only by its own app). */
  readonly private?: boolean
}

export interface OutboundProxy {
  readonly listener: Listener
  readonly clusters: ClusterManager
  close(): Promise<void>
}

export async function startOutboundProxy(self: WorkloadIdentity, deps: ProxyDeps, options: OutboundOptions): Promise<OutboundProxy> {
  const cert = deps.security ? await deps.security.certificate(self) : undefined
  const security = cert ? deps.security!.transport(cert) : undefined
  const clusters = new ClusterManager(self.name, deps.registry, { clock: deps.clock, random: deps.random, ...(security ? { security } : {}) })
  const identity: ProxyIdentity = { kind: options.kind, workload: self.name, namespace: self.namespace, labels: self.labels }
  const randoms = routeRandoms(deps.random, self.name)
  let listenerPort: number | undefined
  let table: RouteTable | undefined
  const compile = () => {
    table = compileRouteTable(deps.config.snapshot(), identity, {
      clock: deps.clock,
      randoms,
      registry: deps.registry,
      clusters,
      listenerPort: options.kind === 'gateway' ? listenerPort : undefined,
    })
  }
  const router = (req: MeshRequest) => table!.route(req)
  const handler = compose(
    [
      localReplies(),
      // A sidecar forwards XFF as its app sent it (use_remote_address: false); the gateway's edge filters append to it.
      ...(options.kind === 'gateway' ? (options.edgeFilters ?? []) : [forwardedProto()]),
      // Every HCM gives a request without an x-request-id one (one stream per proxy: a workload name runs one per mesh).
      requestId(deps.random.stream(`${self.name}/request-id`)),
      tracing(),
      announcePeer(self),
    ],
    router,
  )
  const source = workloadRef(self)
  const authenticatedSource = workloadRef(self, true)
  const listener = await startListener({
    handler,
    clock: deps.clock,
    host: options.host,
    port: options.port ?? 0,
    private: options.private,
    // Istio's server_name: `istio-envoy` on gateways, Envoy's default `envoy` on sidecar outbound listeners.
    serverName: options.kind === 'gateway' ? 'istio-envoy' : 'envoy',
    onComplete: (exchange) => {
      const { info } = exchange.request
      const destination = destinationRef(info.destinationWorkload, info.destinationService, deps.directory)
      // Over mTLS both sides are proven: this workload by its certificate, the server by the SAN it presented.
      const parties = info.upstreamPeerPrincipal
        ? { source: authenticatedSource, destination: { ...destination, principal: info.upstreamPeerPrincipal } }
        : { source, destination }
      report(exchange, 'source', parties, deps.clock, deps.telemetry)
    },
  })
  listenerPort = listener.port
  compile()
  const unsubscribeConfig = deps.config.subscribe(compile)
  let services = serviceSignature(deps.registry)
  const unsubscribeRegistry = deps.registry.subscribe((registry) => {
    // Endpoint changes reach clusters directly; only a new or removed service needs new routes.
    const next = serviceSignature(registry)
    if (next !== services) {
      services = next
      compile()
    }
  })
  return {
    listener,
    clusters,
    async close() {
      unsubscribeConfig()
      unsubscribeRegistry()
      await listener.close()
      await clusters.close()
    },
  }
}

const serviceSignature = (registry: ServiceRegistry) => registry.list().map((s) => `${s.name}:${s.port}`).join(',')

function destinationRef(workload: string, service: string, directory: WorkloadDirectory): WorkloadRef {
  const known = workload ? directory(workload) : undefined
  if (known) return workloadRef(known)
  return { ...UNKNOWN_WORKLOAD, app: service ? shortName(service) : 'unknown' }
}
