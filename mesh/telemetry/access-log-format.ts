/**
 * Envoy access-log lines from telemetry records, in Istio's two built-in encodings:
 * TEXT (`meshConfig.accessLogEncoding: TEXT`, Istio's default format string) and JSON (Istio's
 * snake_case keys, numbers as numbers, missing values as null). Formatting happens when a line is
 * read or written, never on the request path.
 *
 * Istio's TEXT format:
 *   [%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE%
 *   %RESPONSE_FLAGS% %RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS%
 *   "%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED% %BYTES_SENT% %DURATION%
 *   %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%"
 *   "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER%
 *   %UPSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS%
 *   %REQUESTED_SERVER_NAME% %ROUTE_NAME%
 */
import { formatFlags } from '../flags.ts'
import type { RequestRecord } from './record.ts'

/** Istio's two `accessLogEncoding`s, lower-cased as the CLI flags take them. */
export type AccessLogFormat = 'text' | 'json'
/** Accepted values, for flag and query validation. */
export const ACCESS_LOG_FORMATS: readonly AccessLogFormat[] = ['text', 'json']

/** The sidecar that wrote the line: the caller's for `source` records, the callee's for `destination`. */
export const reportingWorkload = (r: RequestRecord): string => (r.reporter === 'source' ? r.source.workload : r.destination.workload)

/** Which listener of that sidecar saw the request. */
export const direction = (r: RequestRecord): 'outbound' | 'inbound' => (r.reporter === 'source' ? 'outbound' : 'inbound')

/** One line, no newline. `mixed`: lines of several sidecars share one stream, so say whose each is. */
export function formatAccessLog(r: RequestRecord, format: AccessLogFormat, mixed: boolean): string {
  if (format === 'json') {
    const entry = accessLogJson(r)
    return JSON.stringify(mixed ? { ...entry, workload: reportingWorkload(r), direction: direction(r) } : entry)
  }
  const line = accessLogText(r)
  return mixed ? `[${reportingWorkload(r)} ${direction(r)}] ${line}` : line
}

/** Istio's TEXT format; every field Envoy would leave empty prints as `-`. */
export function accessLogText(r: RequestRecord): string {
  return (
    `[${startTime(r)}] "${r.method} ${r.path} ${r.protocol}" ${r.status} ${formatFlags(r.flags)} ${details(r)} - "${dash(r.upstreamTransportFailureReason)}" ` +
    `${r.requestBytes} ${r.responseBytes} ${durationMs(r)} ${r.upstreamServiceTimeMs ?? '-'} ` +
    `"${dash(r.forwardedFor)}" "${dash(r.userAgent)}" "${dash(r.requestId)}" "${dash(r.authority)}" "${dash(r.upstreamHost)}" ` +
    `${dash(r.upstreamCluster)} - - - ${dash(r.requestedServerName)} ${routeName(r)}`
  )
}

/** Istio's JSON keys and types (Envoy's typed JSON: numbers stay numbers, empty is null). */
export interface AccessLogJson {
  readonly start_time: string
  readonly route_name: string | null
  readonly method: string
  readonly path: string
  readonly protocol: string
  readonly response_code: number
  readonly response_flags: string
  readonly response_code_details: string | null
  readonly connection_termination_details: string | null
  readonly upstream_transport_failure_reason: string | null
  readonly bytes_received: number
  readonly bytes_sent: number
  readonly duration: number
  readonly upstream_service_time: string | null
  readonly x_forwarded_for: string | null
  readonly user_agent: string | null
  readonly request_id: string | null
  readonly authority: string | null
  readonly upstream_host: string | null
  readonly upstream_cluster: string | null
  readonly upstream_local_address: string | null
  readonly downstream_local_address: string | null
  readonly downstream_remote_address: string | null
  readonly requested_server_name: string | null
  /** Envoy's %DOWNSTREAM_PEER_URI_SAN% (inbound) and %UPSTREAM_PEER_URI_SAN% (outbound): the mTLS peer, or null. */
  readonly downstream_peer_uri_san: string | null
  readonly upstream_peer_uri_san: string | null
  /** Istio's metric label, for reading a log line next to the metrics. */
  readonly connection_security_policy: string
}

/** The JSON object for one record (Istio's keys; `formatAccessLog` adds whose line it is when mixed). */
export function accessLogJson(r: RequestRecord): AccessLogJson {
  const route = routeName(r)
  return {
    start_time: startTime(r),
    route_name: route === '-' ? null : route,
    method: r.method,
    path: r.path,
    protocol: r.protocol,
    response_code: r.status,
    response_flags: formatFlags(r.flags),
    response_code_details: r.details ? details(r) : null,
    connection_termination_details: null,
    upstream_transport_failure_reason: r.upstreamTransportFailureReason || null,
    bytes_received: r.requestBytes,
    bytes_sent: r.responseBytes,
    duration: durationMs(r),
    upstream_service_time: r.upstreamServiceTimeMs === undefined ? null : String(r.upstreamServiceTimeMs),
    x_forwarded_for: r.forwardedFor || null,
    user_agent: r.userAgent || null,
    request_id: r.requestId || null,
    authority: r.authority || null,
    upstream_host: r.upstreamHost || null,
    upstream_cluster: r.upstreamCluster || null,
    upstream_local_address: null,
    downstream_local_address: null,
    downstream_remote_address: null,
    requested_server_name: r.requestedServerName || null,
    downstream_peer_uri_san: r.reporter === 'destination' ? principal(r.source.principal) : null,
    upstream_peer_uri_san: r.reporter === 'source' ? principal(r.destination.principal) : null,
    connection_security_policy: r.connectionSecurityPolicy || 'unknown',
  }
}

const dash = (v: string | undefined) => v || '-'
const principal = (p: string) => (p && p !== 'unknown' ? p : null)

/** Envoy's default START_TIME: UTC with milliseconds and `Z`, e.g. `2026-11-25T12:00:00.123Z`. */
const startTime = (r: RequestRecord) => new Date(Math.floor(r.startEpochMs)).toISOString()

/** %DURATION% is whole milliseconds, truncated as Envoy truncates. */
const durationMs = (r: RequestRecord) => Math.max(0, Math.floor(r.durationMs))

/** Envoy never prints whitespace in %RESPONSE_CODE_DETAILS%; it turns it into underscores. */
const details = (r: RequestRecord) => (r.details ? r.details.replace(/\s+/g, '_') : '-')

/** The route's name as the route table set it (`default` for Istio's default routes); `-` for none or an unnamed one. */
const routeName = (r: RequestRecord) => r.routeName || '-'
