/** Hand-made telemetry records and a captured CLI io, for the observability tests. */
import type { ResponseFlag } from '../../mesh/flags.ts'
import type { RequestRecord, WorkloadRef } from '../../mesh/telemetry/record.ts'
import type { CliIO } from '../../sim/cli/io.ts'

export const ref = (workload: string, app: string, version: string): WorkloadRef => ({ workload, app, version, namespace: 'default', principal: 'unknown' })

export const GATEWAY = ref('istio-ingressgateway', 'istio-ingressgateway', 'unknown')
export const PRODUCTPAGE = ref('productpage-v1', 'productpage', 'v1')
export const REVIEWS_V2 = ref('reviews-v2', 'reviews', 'v2')
export const RATINGS = ref('ratings-v1', 'ratings', 'v1')

/** A successful productpage → reviews-v2 call as the source sidecar reports it; override anything. */
export function record(overrides: Partial<Omit<RequestRecord, 'flags'>> & { flags?: ResponseFlag[] } = {}): RequestRecord {
  const { flags, ...rest } = overrides
  return {
    reporter: 'source',
    source: PRODUCTPAGE,
    destination: REVIEWS_V2,
    destinationService: 'reviews.default.svc.cluster.local',
    method: 'GET',
    path: '/reviews/0',
    authority: 'reviews:9080',
    protocol: 'HTTP/1.1',
    status: 200,
    flags: new Set(flags ?? []),
    details: 'via_upstream',
    startEpochMs: Date.UTC(2026, 10, 25, 12, 0, 0, 123),
    durationMs: 7.6,
    upstreamServiceTimeMs: 6,
    requestBytes: 0,
    responseBytes: 358,
    requestWireBytes: 212,
    responseWireBytes: 520,
    requestId: '84961386-6d84-929d-98bd-c5aee93b5c88',
    userAgent: 'python-requests/2.31.0',
    forwardedFor: '',
    upstreamHost: '127.0.0.1:41234',
    upstreamCluster: 'outbound|9080|v2|reviews.default.svc.cluster.local',
    routeName: 'reviews.default.0',
    attempts: 1,
    mirrored: false,
    span: { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', parentSpanId: 'a3ce929d0e0e4736', sampled: true },
    connectionSecurityPolicy: 'unknown',
    ...rest,
  }
}

export { captureIO, type CapturedIO } from '../support/cli-io.ts'

/** Istio's TEXT access-log format, one named group per field (optionally after a `[workload direction] ` prefix). */
export const ISTIO_TEXT_LINE = new RegExp(
  [
    String.raw`^(?:\[(?<prefixWorkload>[a-z0-9-]+) (?<prefixDirection>inbound|outbound)\] )?`,
    String.raw`\[(?<startTime>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)\] `,
    String.raw`"(?<method>[A-Z]+) (?<path>\S+) (?<protocol>HTTP\/1\.[01])" `,
    String.raw`(?<responseCode>\d{1,3}) (?<responseFlags>-|[A-Z]+(?:,[A-Z]+)*) (?<responseCodeDetails>[^\s"]+) (?<terminationDetails>\S+) `,
    String.raw`"(?<transportFailure>[^"]*)" (?<bytesReceived>\d+) (?<bytesSent>\d+) (?<duration>\d+) (?<upstreamServiceTime>\d+|-) `,
    String.raw`"(?<forwardedFor>[^"]*)" "(?<userAgent>[^"]*)" "(?<requestId>[^"]*)" "(?<authority>[^"]*)" "(?<upstreamHost>[^"]*)" `,
    String.raw`(?<upstreamCluster>\S+) (?<upstreamLocal>\S+) (?<downstreamLocal>\S+) (?<downstreamRemote>\S+) (?<serverName>\S+) (?<routeName>\S+)$`,
  ].join(''),
)
