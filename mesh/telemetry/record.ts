/**
 * One request as one sidecar reports it, the raw material of every view: Prometheus metrics,
 * `/stats` windows, access logs, spans and the dashboard. Field names follow Istio's metric labels.
 */
import type { ResponseFlag } from '../flags.ts'
import type { SpanContext } from '../filter.ts'

export interface WorkloadRef {
  /** `productpage-v1`, `istio-ingressgateway`, or `unknown`. */
  readonly workload: string
  readonly app: string
  readonly version: string
  readonly namespace: string
  /** SPIFFE id when the peer is authenticated (mTLS); `unknown` otherwise. */
  readonly principal: string
}

export interface RequestRecord {
  /** `source`: the caller's sidecar reported it; `destination`: the callee's. */
  readonly reporter: 'source' | 'destination'
  readonly source: WorkloadRef
  readonly destination: WorkloadRef
  /** FQDN of the destination service, e.g. `reviews.default.svc.cluster.local`. */
  readonly destinationService: string
  readonly method: string
  readonly path: string
  readonly authority: string
  readonly protocol: string
  /** 0 when the caller went away before a response (DC). */
  readonly status: number
  readonly flags: ReadonlySet<ResponseFlag>
  readonly details: string
  /** Fractional (µs); `startEpochMs + durationMs` is the end, both from one clock reading each. */
  readonly startEpochMs: number
  readonly durationMs: number
  /** `x-envoy-upstream-service-time`, when an upstream answered. */
  readonly upstreamServiceTimeMs?: number
  /** Body bytes, Envoy's %BYTES_RECEIVED% / %BYTES_SENT%. */
  readonly requestBytes: number
  readonly responseBytes: number
  /**
   * The whole messages on the downstream connection, head and body (Envoy's downstream wire-bytes
   * meter): what `istio_request_bytes` / `istio_response_bytes` record.
   */
  readonly requestWireBytes: number
  readonly responseWireBytes: number
  readonly requestId: string
  readonly userAgent: string
  readonly forwardedFor: string
  readonly upstreamHost: string
  readonly upstreamCluster: string
  readonly routeName: string
  readonly attempts: number
  readonly mirrored: boolean
  readonly span?: SpanContext
  /**
   * As Istio labels it: `mutual_tls` or `none` from the destination (how the connection it accepted was
   * secured), always `unknown` from the source.
   */
  readonly connectionSecurityPolicy: string
  /** The SNI of an mTLS connection, as the server saw it (%REQUESTED_SERVER_NAME%). */
  readonly requestedServerName?: string
  /** Why the upstream transport failed (a TLS handshake error), %UPSTREAM_TRANSPORT_FAILURE_REASON%. */
  readonly upstreamTransportFailureReason?: string
  /** The end user as the request says (productpage forwards `end-user`), for per-user checks. */
  readonly endUser?: string
}

/** Anything that wants records: windows, metrics, logs, traces. Must be cheap; it runs per request. */
export interface TelemetrySink {
  record(r: RequestRecord): void
}

/** Fans records out to every sink; a failing sink never affects traffic or the other sinks. */
export class TelemetryHub implements TelemetrySink {
  private readonly sinks = new Set<TelemetrySink>()

  add(sink: TelemetrySink): () => void {
    this.sinks.add(sink)
    return () => this.sinks.delete(sink)
  }

  record(r: RequestRecord): void {
    for (const sink of this.sinks) {
      try {
        sink.record(r)
      } catch {
        // Telemetry is best effort, as in Envoy: never fail a request over it.
      }
    }
  }
}

export const UNKNOWN_WORKLOAD: WorkloadRef = Object.freeze({ workload: 'unknown', app: 'unknown', version: 'unknown', namespace: 'unknown', principal: 'unknown' })
