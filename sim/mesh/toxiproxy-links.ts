/**
 * The TCP links between sidecars: one Toxiproxy proxy per destination workload (`details-v1`,
 * `reviews-v2`, …) in front of its inbound listener, so every Toxiproxy toxic applies to the traffic
 * between services. Embedded by default; `url` points at an external Toxiproxy (same proxies, via its API).
 */
import type { Random } from '../../mesh/random.ts'
import type { ServiceRegistry } from '../../mesh/control/registry.ts'
import { createToxiproxyClient, startToxiproxyServer, type ToxiproxyServer } from '../../mesh/toxiproxy/index.ts'
import type { ToxiproxyApi, ToxiproxyChange } from '../../mesh/toxiproxy/types.ts'
import type { TcpLinkStats } from '../../mesh/telemetry/tcp-metrics.ts'
import { UNKNOWN_WORKLOAD, type WorkloadRef } from '../../mesh/telemetry/record.ts'
import { fqdnOf } from '../../mesh/control/registry.ts'

export interface LinkOptions {
  /** Embedded Toxiproxy API port (0 = any free port). Ignored when `url` is given. */
  readonly port?: number
  /** An external Toxiproxy, e.g. http://127.0.0.1:8474: the links are created there. */
  readonly url?: string
  /** Embedded API address (default 127.0.0.1); a non-loopback one needs `allowRemote`. */
  readonly host?: string
  readonly allowRemote?: boolean
}

export interface MeshLinks {
  /** The Toxiproxy API's URL, for any Toxiproxy client. */
  readonly url: string
  readonly api: ToxiproxyApi
  /** Only for the embedded server: live changes (dashboards) and byte counters (metrics). */
  readonly server?: ToxiproxyServer
  onChange(listener: (change: ToxiproxyChange) => void): () => void
  /** Creates (or replaces) the link named after `workload`, and points callers at it. */
  link(workload: { name: string; app: string; version: string; namespace: string }, inboundAddress: string): Promise<void>
  /** Per-link totals for Istio's TCP metrics (embedded server only). */
  tcpStats(): TcpLinkStats[]
  close(): Promise<void>
}

export async function startMeshLinks(registry: ServiceRegistry, random: Random, options: LinkOptions): Promise<MeshLinks> {
  const server = options.url
    ? undefined
    : await startToxiproxyServer({
        port: options.port ?? 0,
        random,
        ...(options.host === undefined ? {} : { host: options.host }),
        ...(options.allowRemote === undefined ? {} : { allowRemote: options.allowRemote }),
      })
  const url = options.url ?? server!.url
  const api: ToxiproxyApi = server ? server.store : createToxiproxyClient(url)
  const destinations = new Map<string, WorkloadRef & { service: string }>()
  return {
    url,
    api,
    server,
    onChange: (listener) => server?.onChange(listener) ?? (() => {}),
    async link(workload, inboundAddress) {
      // populate replaces a proxy of the same name whose listen or upstream differs (a restart).
      const [proxy] = await api.populate([{ name: workload.name, listen: '127.0.0.1:0', upstream: inboundAddress, enabled: true }])
      registry.updateEndpoint(workload.name, { dialAddress: proxy!.listen })
      destinations.set(workload.name, {
        workload: workload.name,
        app: workload.app,
        version: workload.version,
        namespace: workload.namespace,
        principal: 'unknown',
        service: fqdnOf(workload.app, workload.namespace),
      })
    },
    tcpStats() {
      if (!server) return []
      const out: TcpLinkStats[] = []
      for (const [name, destination] of destinations) {
        if (!server.store.has(name)) continue
        const s = server.stats(name)
        out.push({
          // One link carries every caller's connections to this workload: the caller is not known here.
          source: UNKNOWN_WORKLOAD,
          destination,
          destinationService: destination.service,
          receivedBytes: s.upstream.sentBytes,
          sentBytes: s.downstream.sentBytes,
          connectionsOpened: s.connectionsOpened,
          connectionsClosed: s.connectionsClosed,
        })
      }
      return out
    },
    async close() {
      await server?.close()
    },
  }
}
