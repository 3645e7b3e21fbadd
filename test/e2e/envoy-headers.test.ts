/**
 * What Envoy's HTTP connection manager and router do to headers, route names and virtual-host
 * choice, as Istio configures them, over real sockets: the ingress gateway (use_remote_address,
 * server_name istio-envoy) and sidecars (transparent XFF, server_name envoy outbound).
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { request } from 'undici'
import { startMeshedClient, type MeshedClient } from '../../sim/load/meshed-client.ts'
import { formatAccessLog } from '../../mesh/telemetry/access-log-format.ts'
import type { RequestRecord } from '../../mesh/telemetry/record.ts'
import { eventually, startTestMesh, type TestMesh } from '../support/mesh.ts'
import { ISTIO_TEXT_LINE } from './telemetry-fixtures.ts'

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

/** A gateway-bound VirtualService for `*.test.local` next to bookinfo's `*`: a named route with a named match, then an unnamed route. */
const TEST_LOCAL = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: httpbin-test-local}
spec:
  hosts: ["*.test.local"]
  gateways: [bookinfo-gateway]
  http:
  - name: r
    match: [{name: m, uri: {prefix: /headers}}]
    route: [{destination: {host: httpbin, port: {number: 8000}}}]
  - match: [{uri: {exact: /r1}}]
    redirect: {uri: /anything/target, authority: new.example.com}
  - match: [{uri: {exact: /r2}}]
    redirect: {uri: "/anything/target?from=redirect", authority: new.example.com}
  - route: [{destination: {host: httpbin, port: {number: 8000}}}]
`

describe('Envoy headers, route names and virtual hosts', () => {
  let mesh: TestMesh
  let fortio: MeshedClient
  beforeAll(async () => {
    mesh = await startTestMesh({ withHttpbin: true, toxiproxy: false })
    fortio = await startMeshedClient(mesh)
  })
  afterAll(async () => {
    await fortio.close()
    await mesh.close()
  })
  afterEach(async () => {
    await mesh.resetConfig()
    mesh.records.length = 0
  })

  /** GET through the ingress with a Host header. */
  async function ingress(path: string, host: string, headers: Record<string, string> = {}) {
    const res = await request(`${mesh.ingressUrl}${path}`, { headers: { host, ...headers } })
    return { status: res.statusCode, headers: res.headers, body: await res.body.text() }
  }
  /** GET from the meshed fortio client, through its sidecar. */
  async function fromFortio(url: string, headers: Record<string, string> = {}) {
    const res = await request(url, { dispatcher: fortio.dispatcher, headers })
    return { status: res.statusCode, headers: res.headers, body: await res.body.text() }
  }
  /** The headers httpbin's /headers says it received. */
  const echoed = (body: string) => (JSON.parse(body) as { headers: Record<string, string> }).headers
  const record = (pick: (r: RequestRecord) => boolean, what: string) => eventually(() => mesh.records.find(pick), what)
  const logLine = (r: RequestRecord) => ISTIO_TEXT_LINE.exec(formatAccessLog(r, 'text', false))!.groups!
  const fromGateway = (r: RequestRecord) => r.source.workload === 'istio-ingressgateway' && r.reporter === 'source'

  test('the gateway picks the most specific virtual host: *.test.local over bookinfo\'s *', async () => {
    mesh.config.applyText(TEST_LOCAL, 'test-local.yaml')
    const res = await ingress('/headers', 'a.test.local')
    expect(res.status).toBe(200)
    expect(echoed(res.body).Host).toBe('a.test.local')
    expect((await ingress('/productpage', 'bookinfo.example.com')).status).toBe(200) // everything else is still bookinfo's
  })

  test('sidecars: the longest wildcard wins, and a wildcard VirtualService covers a known service before its default route', async () => {
    mesh.config.applyText(
      `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: wide}
spec:
  hosts: ["*.test.local"]
  http: [{fault: {abort: {httpStatus: 418, percentage: {value: 100}}}, route: [{destination: {host: httpbin}}]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: narrow}
spec:
  hosts: ["*.b.test.local"]
  http: [{route: [{destination: {host: httpbin}}]}]
`,
      'wildcards.yaml',
    )
    expect((await fromFortio('http://x.b.test.local:8000/get')).status).toBe(200)
    expect((await fromFortio('http://x.test.local:8000/get')).status).toBe(418)
    expect((await fromFortio('http://httpbin:8000/get')).status).toBe(200)
    mesh.config.applyText(
      `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: namespace-wide}
spec:
  hosts: ["*.default.svc.cluster.local"]
  http: [{fault: {abort: {httpStatus: 418, percentage: {value: 100}}}, route: [{destination: {host: httpbin}}]}]
`,
      'namespace-wide.yaml',
    )
    expect((await fromFortio('http://httpbin:8000/get')).status).toBe(418) // as Istio: the service's virtual host takes the wildcard's routes
  })

  test('server: istio-envoy from the gateway (local replies too), envoy from a sidecar\'s outbound side', async () => {
    const page = await ingress('/productpage', 'bookinfo.example.com')
    expect(page.status).toBe(200)
    expect(page.headers.server).toBe('istio-envoy')
    const noRoute = await ingress('/no-such-route', 'bookinfo.example.com')
    expect(noRoute.status).toBe(404)
    expect(noRoute.headers.server).toBe('istio-envoy')
    const direct = await fromFortio('http://httpbin:8000/get')
    expect(direct.status).toBe(200)
    expect(direct.headers.server).toBe('envoy')
  })

  test('ROUTE_NAME is <route>.<match> as Istio names it, - for an unnamed route, default without a VirtualService', async () => {
    mesh.config.applyText(TEST_LOCAL, 'test-local.yaml')
    expect((await ingress('/headers', 'a.test.local')).status).toBe(200)
    const named = await record((r) => fromGateway(r) && r.path === '/headers', 'the gateway line for /headers')
    expect(named.routeName).toBe('r.m')
    expect(logLine(named).routeName).toBe('r.m')
    expect((await ingress('/get', 'a.test.local')).status).toBe(200)
    const unnamed = await record((r) => fromGateway(r) && r.path === '/get', 'the gateway line for /get')
    expect(logLine(unnamed).routeName).toBe('-')
    expect((await fromFortio('http://httpbin:8000/get')).status).toBe(200)
    const outbound = await record((r) => r.source.workload === 'fortio-v1' && r.reporter === 'source', "fortio's outbound line")
    const inbound = await record((r) => r.source.workload === 'fortio-v1' && r.reporter === 'destination', "httpbin's inbound line")
    expect([logLine(outbound).routeName, logLine(inbound).routeName]).toEqual(['default', 'default'])
  })

  test('a redirect keeps the query string unless its uri carries one', async () => {
    mesh.config.applyText(TEST_LOCAL, 'test-local.yaml')
    const kept = await ingress('/r1?q=1', 'a.test.local')
    expect(kept.status).toBe(301)
    expect(kept.headers.location).toBe('http://new.example.com/anything/target?q=1')
    const replaced = await ingress('/r2?q=1', 'a.test.local')
    expect(replaced.headers.location).toBe('http://new.example.com/anything/target?from=redirect')
  })

  test('a client sidecar gives a request without one an x-request-id (UUID v4); one the app sent is kept', async () => {
    const res = await fromFortio('http://httpbin:8000/headers')
    const id = echoed(res.body)['X-Request-Id']
    expect(id).toMatch(UUID_V4)
    const outbound = await record((r) => r.source.workload === 'fortio-v1' && r.reporter === 'source', "fortio's outbound line")
    const inbound = await record((r) => r.source.workload === 'fortio-v1' && r.reporter === 'destination', "httpbin's inbound line")
    expect([outbound.requestId, inbound.requestId]).toEqual([id, id])
    const forwarded = await fromFortio('http://httpbin:8000/headers', { 'x-request-id': 'from-the-app' })
    expect(echoed(forwarded.body)['X-Request-Id']).toBe('from-the-app')
  })

  test('the gateway appends the caller to X-Forwarded-For, sets X-Envoy-External-Address (the caller\'s own stripped) and X-Forwarded-Proto', async () => {
    mesh.config.applyText(TEST_LOCAL, 'test-local.yaml')
    const plain = echoed((await ingress('/headers', 'a.test.local')).body)
    expect(plain).toMatchObject({ 'X-Forwarded-For': '127.0.0.1', 'X-Envoy-External-Address': '127.0.0.1', 'X-Forwarded-Proto': 'http' })
    const spoofed = echoed(
      (await ingress('/headers', 'a.test.local', { 'x-forwarded-for': '203.0.113.7', 'x-envoy-external-address': '6.6.6.6', 'x-forwarded-proto': 'https' })).body,
    )
    expect(spoofed).toMatchObject({ 'X-Forwarded-For': '203.0.113.7,127.0.0.1', 'X-Envoy-External-Address': '127.0.0.1', 'X-Forwarded-Proto': 'http' })
    const line = await record((r) => fromGateway(r) && r.forwardedFor.startsWith('203.'), 'the gateway line of the spoofed request')
    expect(logLine(line).forwardedFor).toBe('203.0.113.7,127.0.0.1') // %REQ(X-FORWARDED-FOR)% as the gateway forwarded it
  })

  test('sidecars leave X-Forwarded-For alone (use_remote_address false) and add X-Forwarded-Proto only when absent', async () => {
    const seen = echoed((await fromFortio('http://httpbin:8000/headers', { 'x-forwarded-for': '10.1.2.3' })).body)
    expect(seen['X-Forwarded-For']).toBe('10.1.2.3')
    expect(seen['X-Forwarded-Proto']).toBe('http')
    expect(seen['X-Envoy-External-Address']).toBeUndefined()
    const kept = echoed((await fromFortio('http://httpbin:8000/headers', { 'x-forwarded-proto': 'https' })).body)
    expect(kept['X-Forwarded-Proto']).toBe('https')
  })
})
