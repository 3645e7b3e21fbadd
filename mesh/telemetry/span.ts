/**
 * A span as Envoy reports it for one sidecar hop, built from a telemetry record: the caller's
 * outbound record is a CLIENT span, the callee's inbound record a SERVER span (its child), and the
 * ingress gateway's record, having no parent, is the trace root. Exporters turn these into
 * OTLP, Jaeger or Zipkin JSON.
 */
import { formatFlags } from '../flags.ts'
import type { RequestRecord } from './record.ts'

/** OpenTelemetry's kinds that a proxy reports. */
export type SpanKind = 'CLIENT' | 'SERVER'
/** Typed attribute values: exporters keep numbers and booleans as such where the format allows. */
export type SpanAttributes = Readonly<Record<string, string | number | boolean>>

/** A finished span, independent of any export format. */
export interface MeshSpan {
  /** 32 hex digits. */
  readonly traceId: string
  /** 16 hex digits. */
  readonly spanId: string
  readonly parentSpanId?: string
  readonly kind: SpanKind
  /** Envoy's operation name: `reviews.default.svc.cluster.local:9080/*`. */
  readonly name: string
  /** Istio's trace service name, `<canonical service>.<namespace>`: `reviews.default`. */
  readonly serviceName: string
  /** The workload whose sidecar reported the span, `reviews-v2`. */
  readonly workload: string
  readonly startEpochMs: number
  readonly durationMs: number
  readonly statusCode: number
  /** 5xx, or no response at all (Envoy marks both as errors). */
  readonly error: boolean
  /** OpenTelemetry HTTP semantic conventions plus Envoy's and Istio's own tags. */
  readonly attributes: SpanAttributes
}

/**
 * A span's start and end in whole microseconds since the epoch, each rounded once: every export
 * format prints these two numbers (OTLP as nanoseconds, Jaeger and Zipkin as start + duration), so
 * they agree, and a child never starts before its parent by a rounding. At least 1 µs long (Zipkin's rule).
 */
export function spanMicros(s: Pick<MeshSpan, 'startEpochMs' | 'durationMs'>): { readonly startUs: number; readonly endUs: number } {
  const startUs = Math.round(s.startEpochMs * 1000)
  return { startUs, endUs: Math.max(startUs + 1, Math.round((s.startEpochMs + s.durationMs) * 1000)) }
}

/** A trace: its spans ordered by start time. */
export interface MeshTrace {
  readonly traceId: string
  readonly spans: readonly MeshSpan[]
}

/** The span a record describes, or undefined if it carries no sampled span context. */
export function spanFromRecord(r: RequestRecord): MeshSpan | undefined {
  const ctx = r.span
  if (!ctx || !ctx.sampled || r.mirrored) return undefined
  const self = r.reporter === 'source' ? r.source : r.destination
  const namespace = self.namespace && self.namespace !== 'unknown' ? self.namespace : 'default'
  const [host, port] = splitAuthority(r.authority)
  const queryAt = r.path.indexOf('?')
  const attributes: Record<string, string | number | boolean> = {
    'http.request.method': r.method,
    'http.response.status_code': r.status,
    'url.path': queryAt < 0 ? r.path : r.path.slice(0, queryAt),
    'server.address': host,
    'network.protocol.version': r.protocol.replace(/^HTTP\//i, ''),
    response_flags: formatFlags(r.flags),
    response_code_details: r.details,
    upstream_cluster: r.upstreamCluster || '-',
    'istio.canonical_service': self.app,
    'istio.canonical_revision': self.version && self.version !== 'unknown' ? self.version : 'latest',
    'istio.namespace': namespace,
    node_id: nodeId(self.workload, namespace, r.source.workload === 'istio-ingressgateway' && r.reporter === 'source'),
    component: 'proxy',
  }
  if (queryAt >= 0) attributes['url.query'] = r.path.slice(queryAt + 1)
  if (port !== undefined) attributes['server.port'] = port
  if (r.userAgent) attributes['user_agent.original'] = r.userAgent
  if (r.requestId) attributes['guid:x-request-id'] = r.requestId
  if (r.upstreamHost) attributes.upstream_host = r.upstreamHost
  if (r.source.principal && r.source.principal !== 'unknown') attributes['istio.source_principal'] = r.source.principal
  if (r.destination.principal && r.destination.principal !== 'unknown') attributes['istio.destination_principal'] = r.destination.principal
  if (r.connectionSecurityPolicy && r.connectionSecurityPolicy !== 'unknown') attributes['istio.connection_security_policy'] = r.connectionSecurityPolicy
  return {
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    parentSpanId: ctx.parentSpanId,
    kind: r.reporter === 'source' ? 'CLIENT' : 'SERVER',
    name: operationName(r, port),
    serviceName: `${self.app || self.workload}.${namespace}`,
    workload: self.workload,
    startEpochMs: r.startEpochMs,
    durationMs: r.durationMs,
    statusCode: r.status,
    error: r.status >= 500 || r.status === 0,
    attributes,
  }
}

/** Envoy's route decorator as Istio sets it: `<service FQDN>:<port>/*`. */
function operationName(r: RequestRecord, authorityPort: number | undefined): string {
  if (!r.destinationService || r.destinationService === 'unknown') return `${r.authority || 'unknown'}${r.path.split('?')[0]}`
  const clusterPort = /^(?:outbound|inbound)\|(\d+)\|/.exec(r.upstreamCluster)?.[1]
  return `${r.destinationService}:${clusterPort ?? authorityPort ?? 80}/*`
}

/** Envoy's node id: `sidecar~<ip>~<pod>.<ns>~<ns>.svc.cluster.local` (`router~…` for gateways). */
const nodeId = (workload: string, namespace: string, gateway: boolean) =>
  `${gateway ? 'router' : 'sidecar'}~127.0.0.1~${workload}.${namespace}~${namespace}.svc.cluster.local`

function splitAuthority(authority: string): [string, number | undefined] {
  const m = /^(.*):(\d+)$/.exec(authority)
  return m ? [m[1]!, Number(m[2])] : [authority, undefined]
}
