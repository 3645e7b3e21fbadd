/**
 * The inbound side of a sidecar: a listener in front of the app (reporter `destination`). It
 * terminates mTLS as PeerAuthentication says (STRICT / PERMISSIVE / DISABLE), learns the caller,
 * makes the server span, enforces AuthorizationPolicy (CUSTOM ones through ext_authz checks it sends to
 * the provider itself, on clusters of its own) and LocalRateLimit, and forwards to the app
 * (in-process in a running mesh, so nothing reaches the app around its sidecar). An app that is down gives 503 `…connection failure` (UF), as an Envoy in front of a
 * dead container. The caller's identity comes from its verified certificate only: the peer metadata
 * header only names the workload for telemetry, and only when the certificate agrees.
 */
import type { Duplex } from 'node:stream'
import { compose, withHeaders, type Filter, type Handler, type MeshRequest } from '../filter.ts'
import { startListener, type Listener } from '../http/listener.ts'
import { openInProcessPool, openPool, sendUpstream } from '../http/upstream-pool.ts'
import { localReplies } from '../filters/local-reply.ts'
import { forwardedProto } from '../filters/forwarded-for.ts'
import { requestId } from '../filters/request-id.ts'
import { tracing } from '../filters/tracing.ts'
import { DEFAULT_ROUTE_NAME } from './route-table.ts'
import { UNKNOWN_WORKLOAD, type WorkloadRef } from '../telemetry/record.ts'
import { fqdnOf, type ServiceRegistry } from '../control/registry.ts'
import { ClusterManager } from './cluster-manager.ts'
import type { ConfigFeed } from './config-feed.ts'
import { InboundPolicy } from './inbound-policy.ts'
import { report } from './report.ts'
import { peerWorkload, PEER_ID_HEADER } from './peer-metadata.ts'
import { principalOf, workloadRef, type WorkloadDirectory, type WorkloadIdentity } from './workload.ts'
import type { ProxyDeps } from './outbound-proxy.ts'

export interface InboundOptions {
  /** Where the app listens, `127.0.0.1:port` (benchmarks, apps in another process); may change on restart. */
  readonly appAddress?: () => string
  /**
   * Or an in-process connection to the app, the pod's loopback that nothing outside reaches; throws
   * ECONNREFUSED while the app is down. One of the two is required.
   */
  readonly appConnect?: () => Duplex
  /** The Service port (9080), for the inbound cluster name; also the workload port policies name. */
  readonly servicePort: number
  /** Filters between the policy filters and the app. */
  readonly filters?: readonly Filter[]
}

export interface InboundProxy {
  readonly listener: Listener
  close(): Promise<void>
}

/** Envoy's header for the client certificate; Istio's sidecars sanitize it and set their own. */
const XFCC = 'x-forwarded-client-cert'

export async function startInboundProxy(
  self: WorkloadIdentity,
  deps: Omit<ProxyDeps, 'config' | 'registry'> & { readonly config?: ConfigFeed; readonly registry?: ServiceRegistry },
  options: InboundOptions,
): Promise<InboundProxy> {
  const cluster = `inbound|${options.servicePort}||`
  const service = fqdnOf(self.app, self.namespace)
  const ownPrincipal = principalOf(self)
  const pools = new Map<string, ReturnType<typeof openPool>>()
  const poolFor = (address: string) => {
    let pool = pools.get(address)
    if (!pool) {
      pool = openPool(address)
      pools.set(address, pool)
    }
    return pool
  }
  const inProcess = options.appConnect ? openInProcessPool(options.appConnect) : undefined
  // The app's own view of where it listens, as in the pod: `127.0.0.1:9080`.
  const inProcessHost = `127.0.0.1:${options.servicePort}`
  if (!inProcess && !options.appAddress) throw new Error('startInboundProxy needs appAddress or appConnect')
  const toApp: Handler = (req) => {
    const address = inProcess ? inProcessHost : options.appAddress!()
    req.info.upstreamHost = address
    req.info.attempts = 1
    // SANITIZE_SET: whatever a caller wrote is dropped; over mTLS the app learns the proven caller.
    const xfcc = req.info.peerPrincipal ? `By=${ownPrincipal};URI=${req.info.peerPrincipal}` : undefined
    return sendUpstream(inProcess ?? poolFor(address), withHeaders(req, { [PEER_ID_HEADER]: undefined, [XFCC]: xfcc }), deps.clock)
  }
  const identify: Filter = (next) =>
    function inboundInfoFilter(req) {
      req.info.cluster = cluster
      req.info.routeName = DEFAULT_ROUTE_NAME // Istio's one inbound route
      req.info.destinationService = service
      req.info.destinationWorkload = self.name
      req.info.destinationVersion = self.version
      req.info.mirrored = /-shadow(:\d+)?$/.test(req.authority)
      return next(req)
    }
  // As on every HCM: XFF untouched (use_remote_address: false), a missing x-forwarded-proto and x-request-id set.
  const base: Filter[] = [localReplies(), identify, forwardedProto(), requestId(deps.random.stream(`${self.name}/inbound/request-id`)), tracing()]
  const cert = deps.security ? await deps.security.certificate(self) : undefined
  // ext_authz checks leave from this side of the proxy, with its certificate (auto mTLS), as Envoy's do.
  const checkClusters = deps.registry
    ? new ClusterManager(`${self.name}/inbound`, deps.registry, { clock: deps.clock, random: deps.random, ...(cert ? { security: deps.security!.transport(cert) } : {}) })
    : undefined
  const providers = checkClusters && deps.registry ? { registry: deps.registry, clusters: checkClusters, ownService: service } : undefined
  const policy = new InboundPolicy({ namespace: self.namespace, labels: self.labels, port: options.servicePort }, deps.clock, undefined, providers)
  let chain: Handler = compose([...base, ...(options.filters ?? [])], toApp)
  const rebuild = () => {
    const filters = deps.config ? policy.compile(deps.config.snapshot()) : []
    chain = compose([...base, ...filters, ...(options.filters ?? [])], toApp)
  }
  rebuild()
  const unsubscribe = deps.config?.subscribe(rebuild)
  // A push swaps the chain; requests already inside finish on the chain they started with.
  const handler: Handler = (req) => chain(req)
  const destination = workloadRef(self)
  const authenticatedDestination = workloadRef(self, true)
  const listener = await startListener({
    handler,
    clock: deps.clock,
    ...(cert ? { tls: deps.security!.inboundTls(self, options.servicePort, cert) } : {}),
    serverName: 'istio-envoy', // Istio's server_name for sidecar inbound listeners
    onComplete: (exchange) => {
      const { request } = exchange
      const secured = request.info.peerPrincipal !== ''
      const parties = { source: sourceOf(request, deps.directory), destination: secured ? authenticatedDestination : destination }
      report(exchange, 'destination', parties, deps.clock, deps.telemetry)
    },
  })
  return {
    listener,
    async close() {
      unsubscribe?.()
      await listener.close()
      await checkClusters?.close()
      await Promise.all([...pools.values(), ...(inProcess ? [inProcess] : [])].map((p) => p.close().catch(() => {})))
    },
  }
}

/**
 * The caller as telemetry labels it. Plain text: the workload the peer metadata names, principal
 * unknown. mTLS: the certificate's principal; the named workload only if its identity is that principal
 * (a caller cannot borrow another workload's name), else an unknown workload with the proven principal.
 */
function sourceOf(req: MeshRequest, directory: WorkloadDirectory): WorkloadRef {
  const claimed = peerWorkload(req)
  const known = claimed ? directory(claimed) : undefined
  const principal = req.info.peerPrincipal
  if (!principal) return known ? workloadRef(known) : UNKNOWN_WORKLOAD
  if (known && principalOf(known) === principal) return workloadRef(known, true)
  return { ...UNKNOWN_WORKLOAD, principal }
}
