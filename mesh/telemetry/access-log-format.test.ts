import { describe, expect, test } from 'vitest'
import { GATEWAY, ISTIO_TEXT_LINE, PRODUCTPAGE, record } from '../../test/e2e/telemetry-fixtures.ts'
import { accessLogJson, formatAccessLog } from './access-log-format.ts'

describe('access-log lines', () => {
  test("Istio's TEXT format, field by field", () => {
    const line = formatAccessLog(record(), 'text', false)
    expect(line).toBe(
      '[2026-11-25T12:00:00.123Z] "GET /reviews/0 HTTP/1.1" 200 - via_upstream - "-" 0 358 7 6 "-" "python-requests/2.31.0" ' +
        '"84961386-6d84-929d-98bd-c5aee93b5c88" "reviews:9080" "127.0.0.1:41234" outbound|9080|v2|reviews.default.svc.cluster.local - - - - reviews.default.0',
    )
    expect(ISTIO_TEXT_LINE.exec(line)?.groups).toMatchObject({
      startTime: '2026-11-25T12:00:00.123Z',
      method: 'GET',
      path: '/reviews/0',
      protocol: 'HTTP/1.1',
      responseCode: '200',
      responseFlags: '-',
      responseCodeDetails: 'via_upstream',
      bytesReceived: '0',
      bytesSent: '358',
      duration: '7',
      upstreamServiceTime: '6',
      forwardedFor: '-',
      userAgent: 'python-requests/2.31.0',
      requestId: '84961386-6d84-929d-98bd-c5aee93b5c88',
      authority: 'reviews:9080',
      upstreamHost: '127.0.0.1:41234',
      upstreamCluster: 'outbound|9080|v2|reviews.default.svc.cluster.local',
      routeName: 'reviews.default.0',
    })
  })

  test('local replies: flags comma-joined in Envoy order, empty fields as "-", default route', () => {
    const line = formatAccessLog(
      record({ status: 503, flags: ['URX', 'UF'], details: 'upstream_reset_before_response_started{connection_failure}', upstreamServiceTimeMs: undefined, userAgent: '', routeName: 'default', upstreamHost: '' }),
      'text',
      false,
    )
    const f = ISTIO_TEXT_LINE.exec(line)!.groups!
    expect(f).toMatchObject({ responseCode: '503', responseFlags: 'UF,URX', upstreamServiceTime: '-', userAgent: '-', upstreamHost: '-', routeName: 'default' })
    expect(f.responseCodeDetails).toBe('upstream_reset_before_response_started{connection_failure}')
    const noRoute = ISTIO_TEXT_LINE.exec(formatAccessLog(record({ status: 404, flags: ['NR'], routeName: '', details: 'route not found' }), 'text', false))!.groups!
    expect(noRoute).toMatchObject({ routeName: '-', responseCodeDetails: 'route_not_found' })
  })

  test('mixed streams say whose line it is', () => {
    expect(ISTIO_TEXT_LINE.exec(formatAccessLog(record(), 'text', true))!.groups).toMatchObject({ prefixWorkload: 'productpage-v1', prefixDirection: 'outbound' })
    expect(ISTIO_TEXT_LINE.exec(formatAccessLog(record({ reporter: 'destination' }), 'text', true))!.groups).toMatchObject({ prefixWorkload: 'reviews-v2', prefixDirection: 'inbound' })
    expect(formatAccessLog(record({ source: GATEWAY, destination: PRODUCTPAGE }), 'text', true)).toMatch(/^\[istio-ingressgateway outbound\] \[/)
    expect(JSON.parse(formatAccessLog(record(), 'json', true))).toMatchObject({ workload: 'productpage-v1', direction: 'outbound' })
    expect(JSON.parse(formatAccessLog(record(), 'json', false))).not.toHaveProperty('workload')
  })

  test("Istio's JSON keys and types", () => {
    const entry = accessLogJson(record({ forwardedFor: '', upstreamServiceTimeMs: 6 }))
    expect(Object.keys(entry).sort()).toEqual(
      [
        'authority', 'bytes_received', 'bytes_sent', 'connection_termination_details', 'downstream_local_address', 'downstream_remote_address',
        'duration', 'method', 'path', 'protocol', 'request_id', 'requested_server_name', 'response_code', 'response_code_details', 'response_flags',
        'route_name', 'start_time', 'upstream_cluster', 'upstream_host', 'upstream_local_address', 'upstream_service_time',
        'upstream_transport_failure_reason', 'user_agent', 'x_forwarded_for',
        // meshdojo's additions: Envoy's %DOWNSTREAM_PEER_URI_SAN% / %UPSTREAM_PEER_URI_SAN% and Istio's metric label.
        'downstream_peer_uri_san', 'upstream_peer_uri_san', 'connection_security_policy',
      ].sort(),
    )
    expect(entry).toMatchObject({ response_code: 200, bytes_sent: 358, duration: 7, upstream_service_time: '6', x_forwarded_for: null, response_flags: '-', start_time: '2026-11-25T12:00:00.123Z' })
  })
})
