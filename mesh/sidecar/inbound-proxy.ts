/**
 * The inbound side of a sidecar: a listener in front of the app (reporter `destination`). It learns
 * the caller from peer metadata, makes the server span, and forwards to the app on 127.0.0.1.
 * An app that is down gives 503 `…connection failure` (UF), as an Envoy in front of a dead container.
 */
import { compose, type Filter, type Handler } from '../filter.ts'
import { startListener, type Listener } from '../http/listener.ts'
import { openPool, sendUpstream } from '../http/upstream-pool.ts'
import { localReplies } from '../filters/local-reply.ts'
import { tracing } from '../filters/tracing.ts'
import { UNKNOWN_WORKLOAD } from '../telemetry/record.ts'
import { fqdnOf } from '../control/registry.ts'
import { report } from './report.ts'
import { peerWorkload, PEER_ID_HEADER } from './peer-metadata.ts'
import { workloadRef, type WorkloadIdentity } from './workload.ts'
import type { ProxyDeps } from './outbound-proxy.ts'

export interface InboundOptions {
  /** Where the app listens, `127.0.0.1:port`; may change when the workload restarts. */
  readonly appAddress: () => string
  /** The Service port (9080), for the inbound cluster name. */
  readonly servicePort: number
  /** Filters between the server span and the app (authorization, rate limits). */
  readonly filters?: readonly Filter[]
}

export interface InboundProxy {
  readonly listener: Listener
  close(): Promise<void>
}

export async function startInboundProxy(self: WorkloadIdentity, deps: Omit<ProxyDeps, 'config' | 'registry'>, options: InboundOptions): Promise<InboundProxy> {
  const cluster = `inbound|${options.servicePort}||`
  const service = fqdnOf(self.app, self.namespace)
  const pools = new Map<string, ReturnType<typeof openPool>>()
  const poolFor = (address: string) => {
    let pool = pools.get(address)
    if (!pool) {
      pool = openPool(address)
      pools.set(address, pool)
    }
    return pool
  }
  const toApp: Handler = (req) => {
    const address = options.appAddress()
    req.info.upstreamHost = address
    req.info.attempts = 1
    const headers = { ...req.headers }
    delete headers[PEER_ID_HEADER]
    return sendUpstream(poolFor(address), { ...req, headers }, deps.clock)
  }
  const identify: Filter = (next) =>
    function inboundInfoFilter(req) {
      req.info.cluster = cluster
      req.info.destinationService = service
      req.info.destinationWorkload = self.name
      req.info.destinationVersion = self.version
      req.info.mirrored = /-shadow(:\d+)?$/.test(req.authority)
      return next(req)
    }
  const handler = compose([localReplies(), identify, tracing(), ...(options.filters ?? [])], toApp)
  const destination = workloadRef(self)
  const listener = await startListener({
    handler,
    clock: deps.clock,
    onComplete: (exchange) => {
      const caller = peerWorkload(exchange.request)
      const known = caller ? deps.directory(caller) : undefined
      report(exchange, 'destination', { source: known ? workloadRef(known) : UNKNOWN_WORKLOAD, destination }, deps.clock, deps.telemetry)
    },
  })
  return {
    listener,
    async close() {
      await listener.close()
      await Promise.all([...pools.values()].map((p) => p.close().catch(() => {})))
    },
  }
}
