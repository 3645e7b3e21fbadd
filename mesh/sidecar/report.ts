/** Turns a finished exchange at a listener into the RequestRecord every telemetry view consumes. */
import type { Clock } from '../clock.ts'
import { headerValue } from '../filter.ts'
import type { Exchange } from '../http/listener.ts'
import type { RequestRecord, TelemetrySink, WorkloadRef } from '../telemetry/record.ts'
import { requestWireBytes, responseWireBytes } from '../telemetry/wire-bytes.ts'

export function report(
  exchange: Exchange,
  reporter: RequestRecord['reporter'],
  parties: { source: WorkloadRef; destination: WorkloadRef },
  clock: Clock,
  sink: TelemetrySink,
): void {
  const { request, status } = exchange
  const { info, headers } = request
  const serviceTime = headerValue(exchange.responseHeaders, 'x-envoy-upstream-service-time')
  sink.record({
    reporter,
    source: parties.source,
    destination: parties.destination,
    destinationService: info.destinationService || 'unknown',
    method: request.method,
    path: request.path,
    authority: request.authority,
    protocol: 'HTTP/1.1',
    status,
    flags: info.flags,
    details: info.details || 'via_upstream',
    // The listener's own start reading, on the clock its duration came from: a span's start and end
    // (and so a parent's and its children's) are on one timeline, to the µs.
    startEpochMs: clock.epochAt(info.startMs),
    durationMs: exchange.durationMs,
    upstreamServiceTimeMs: serviceTime === undefined ? undefined : Number(serviceTime),
    requestBytes: exchange.requestBytes,
    responseBytes: exchange.responseBytes,
    requestWireBytes: requestWireBytes(request.method, request.path, headers, exchange.requestBytes),
    responseWireBytes: responseWireBytes(status, exchange.responseHeaders, exchange.responseBytes),
    requestId: info.requestId,
    userAgent: headerValue(headers, 'user-agent') ?? '',
    // %REQ(X-FORWARDED-FOR)% reads the request as the proxy forwarded it: the gateway's appended XFF.
    forwardedFor: info.forwardedFor || (headerValue(headers, 'x-forwarded-for') ?? ''),
    upstreamHost: info.upstreamHost,
    upstreamCluster: info.cluster,
    routeName: info.routeName,
    attempts: info.attempts,
    mirrored: info.mirrored,
    span: info.span,
    // Istio: `mutual_tls` or `none` as the server saw the connection; a client reports `unknown`.
    connectionSecurityPolicy: reporter === 'source' ? 'unknown' : info.peerPrincipal ? 'mutual_tls' : 'none',
    requestedServerName: info.requestedServerName,
    upstreamTransportFailureReason: info.upstreamTransportFailureReason,
    endUser: headerValue(headers, 'end-user'),
  })
}
