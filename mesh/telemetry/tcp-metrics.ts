/**
 * Istio's TCP metrics (`istio_tcp_sent_bytes_total`, `istio_tcp_received_bytes_total`,
 * `istio_tcp_connections_opened_total`, `istio_tcp_connections_closed_total`), read at scrape time
 * from whatever carries the bytes between sidecars (the embedded Toxiproxy links implement
 * `TcpStatsSource`). Nothing here runs per chunk.
 */
import type { Registry } from 'prom-client'
import { collectedCounter, type Sample } from './collected-metrics.ts'
import { ISTIO_TCP_LABELS, tcpLabels } from './istio-labels.ts'
import type { RequestRecord, WorkloadRef } from './record.ts'

/** Running totals for one link (one caller → one destination workload), as a reporter saw them. */
export interface TcpLinkStats {
  readonly source: WorkloadRef
  readonly destination: WorkloadRef
  /** FQDN, e.g. `reviews.default.svc.cluster.local`. */
  readonly destinationService: string
  /**
   * Whose view this is. Omitted: the same totals are reported under both reporters, as both
   * sidecars of a connection would in Istio (a toxic can make the two ends differ; say so then).
   */
  readonly reporter?: RequestRecord['reporter']
  /** Bytes from the caller to the destination (Toxiproxy's `upstream`): Istio's "received". */
  readonly receivedBytes: number
  /** Bytes from the destination back to the caller (Toxiproxy's `downstream`): Istio's "sent". */
  readonly sentBytes: number
  readonly connectionsOpened: number
  readonly connectionsClosed: number
  /** `mutual_tls` once mTLS exists; default `unknown`. */
  readonly connectionSecurityPolicy?: string
}

/** Anything that can list its links' totals; called once per scrape. */
export interface TcpStatsSource {
  tcpStats(): Iterable<TcpLinkStats>
}

/** How the sidecars proxy what crosses a link: as HTTP requests, or as raw TCP. */
export type LinkProtocol = 'http' | 'tcp'

/**
 * The links whose traffic the sidecars proxy as TCP. Istio adds its TCP stats filter to TCP proxy
 * filter chains only: a link carrying HTTP makes no TCP series (its bytes are in
 * `istio_request_bytes` / `istio_response_bytes`), or every HTTP edge would gain a TCP twin.
 */
export function tcpProxiedLinks(source: TcpStatsSource, protocolOf: (link: TcpLinkStats) => LinkProtocol): TcpStatsSource {
  return {
    *tcpStats() {
      for (const link of source.tcpStats()) if (protocolOf(link) === 'tcp') yield link
    },
  }
}

/** The four TCP counters, summing every source's links. `add()` returns a remover. */
export class IstioTcpMetrics {
  private readonly sources = new Set<TcpStatsSource>()

  constructor(registry: Registry) {
    const labelNames = ISTIO_TCP_LABELS
    const counter = (name: string, help: string, pick: (l: TcpLinkStats) => number) =>
      collectedCounter({ name, help, labelNames, registry }, () => this.samples(pick))
    counter('istio_tcp_sent_bytes_total', 'Bytes sent during response on TCP connections.', (l) => l.sentBytes)
    counter('istio_tcp_received_bytes_total', 'Bytes received during request on TCP connections.', (l) => l.receivedBytes)
    counter('istio_tcp_connections_opened_total', 'TCP connections opened.', (l) => l.connectionsOpened)
    counter('istio_tcp_connections_closed_total', 'TCP connections closed.', (l) => l.connectionsClosed)
  }

  add(source: TcpStatsSource): () => void {
    this.sources.add(source)
    return () => this.sources.delete(source)
  }

  private samples(pick: (l: TcpLinkStats) => number): Sample[] {
    // Two links can share a label set (e.g. two sources, or a link replaced mid-run): sum them.
    const byKey = new Map<string, { labels: Readonly<Record<string, string>>; value: number }>()
    for (const source of this.sources) {
      for (const link of source.tcpStats()) {
        for (const reporter of link.reporter ? [link.reporter] : (['source', 'destination'] as const)) {
          const labels = tcpLabels(reporter, link.source, link.destination, link.destinationService, link.connectionSecurityPolicy)
          const key = Object.values(labels).join('|')
          const seen = byKey.get(key)
          if (seen) seen.value += pick(link)
          else byKey.set(key, { labels, value: pick(link) })
        }
      }
    }
    return [...byKey.values()]
  }
}
