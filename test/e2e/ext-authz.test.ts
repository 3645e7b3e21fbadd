/**
 * Istio's External Authorization task over real sockets: the sample ext-authz server deployed next to httpbin,
 * the provider defined in the `istio` ConfigMap, an `action: CUSTOM` policy on httpbin's `/headers`; then what
 * a denied, an allowed and an unchecked request get, what the access log and istio_requests_total show, that
 * CUSTOM runs before DENY, and what happens when the provider is down or undefined.
 * https://istio.io/latest/docs/tasks/security/authorization/authz-custom/
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { request } from 'undici'
import { parsePrometheusText, sampleSum } from '../../mesh/telemetry/prometheus-text.ts'
import { startAdminServer, type AdminServer } from '../../sim/admin/admin-server.ts'
import { configRoutes } from '../../sim/admin/config-routes.ts'
import { observabilityRoutes, type ObservabilityRoutes } from '../../sim/admin/observability-routes.ts'
import { eventually, startTestMesh, type TestMesh } from '../support/mesh.ts'

/** The task's mesh config, in meshdojo's namespace (`default` instead of the task's `foo`), plus `fields`. */
const meshConfig = (fields = '') => `apiVersion: v1
kind: ConfigMap
metadata:
  name: istio
  namespace: istio-system
data:
  mesh: |-
    extensionProviders:
    - name: "sample-ext-authz-grpc"
      envoyExtAuthzGrpc:
        service: "ext-authz.default.svc.cluster.local"
        port: "9000"
    - name: "sample-ext-authz-http"
      envoyExtAuthzHttp:
        service: "ext-authz.default.svc.cluster.local"
        port: "8000"
        includeRequestHeadersInCheck: ["x-ext-authz"]${fields.split('\n').filter(Boolean).map((line) => `\n        ${line}`).join('')}
`
/** The task's policy, with the HTTP provider. */
const customPolicy = (provider = 'sample-ext-authz-http') => `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: ext-authz
spec:
  selector:
    matchLabels:
      app: httpbin
  action: CUSTOM
  provider:
    name: ${provider}
  rules:
  - to:
    - operation:
        paths: ["/headers"]
`
const DENY_BODY = 'denied by ext_authz for not found header `x-ext-authz: allow` in the request'

describe("Istio's External Authorization task", () => {
  let mesh: TestMesh
  let obs: ObservabilityRoutes
  let admin: AdminServer
  beforeAll(async () => {
    mesh = await startTestMesh({ withHttpbin: true, withExtAuthz: true })
    obs = observabilityRoutes(mesh)
    admin = await startAdminServer(mesh, { port: 0, routes: [configRoutes(mesh), ...obs.routes] })
  })
  afterEach(async () => {
    await mesh.workload('ext-authz-v1').restart()
    await mesh.resetConfig()
    mesh.records.length = 0
  })
  afterAll(async () => {
    await admin?.close()
    obs?.close()
    await mesh?.close()
  })

  /** GET on the admin API. */
  async function adminGet(path: string) {
    const res = await request(`${admin.url}${path}`)
    return res.body.text()
  }

  /** `kubectl apply`, through the admin API. */
  async function apply(yaml: string) {
    const res = await request(`${admin.url}/apply`, { method: 'POST', body: yaml, headers: { 'content-type': 'application/yaml' } })
    const body = (await res.body.json()) as { errors?: string[] }
    expect(body.errors ?? []).toEqual([])
    expect(res.statusCode).toBe(200)
  }

  /** `curl http://httpbin:8000<path>` from a meshed client (the task's curl pod: here productpage's sidecar). */
  async function curl(path: string, headers: Record<string, string> = {}) {
    const res = await request(`http://httpbin:8000${path}`, { dispatcher: mesh.workload('productpage-v1').egress, headers })
    return { status: res.statusCode, headers: res.headers, body: await res.body.text() }
  }

  const checks = () => mesh.records.filter((r) => r.reporter === 'destination' && r.destination.workload === 'ext-authz-v1')

  test('deny is denied with the sample\'s answer, allow is allowed, /ip is never checked; logs and metrics say UAEX', async () => {
    await apply(`${meshConfig()}---\n${customPolicy()}`)
    const denied = await curl('/headers', { 'x-ext-authz': 'deny' })
    expect(denied).toMatchObject({ status: 403, body: DENY_BODY })
    expect(denied.headers['x-ext-authz-check-result']).toBe('denied')
    // What the sample received: the original Host and path, x-ext-authz, no body; the client's other headers stayed behind.
    const received = String(denied.headers['x-ext-authz-check-received'])
    expect(received).toMatch(/^GET httpbin:8000\/headers, headers: map\[.*X-Ext-Authz:\[deny\].*\], body: \[\]$/)
    expect(received).not.toContain('User-Agent')

    const allowed = await curl('/headers', { 'x-ext-authz': 'allow' })
    expect(allowed.status).toBe(200)
    expect(JSON.parse(allowed.body).headers).toMatchObject({ 'X-Ext-Authz': 'allow' })
    expect(checks()).toHaveLength(2)

    expect((await curl('/ip')).status).toBe(200)
    expect(checks()).toHaveLength(2)

    // The check itself: from httpbin's sidecar to ext-authz's, over auto mTLS, for the original Host and path.
    expect(checks()[0]).toMatchObject({ authority: 'httpbin:8000', path: '/headers', status: 403, connectionSecurityPolicy: 'mutual_tls' })
    expect(checks()[0]!.source.principal).toMatch(/^spiffe:\/\/cluster\.local\/ns\/default\/sa\/bookinfo-httpbin$/)

    const httpbinDenied = mesh.records.find((r) => r.reporter === 'destination' && r.destination.app === 'httpbin' && r.status === 403)!
    expect(httpbinDenied).toMatchObject({ details: 'ext_authz_denied', path: '/headers' })
    expect([...httpbinDenied.flags]).toEqual(['UAEX'])
    const log = await eventually(async () => {
      const text = await adminGet('/logs')
      return text.includes('ext_authz_denied') ? text : undefined
    }, 'the access log line of the denial')
    expect(log.split('\n').find((l) => l.includes('ext_authz_denied'))).toMatch(/"GET \/headers HTTP\/1\.1" 403 UAEX ext_authz_denied /)
    const families = parsePrometheusText(await adminGet('/metrics'))
    expect(sampleSum(families, 'istio_requests_total', { reporter: 'destination', destination_app: 'httpbin', response_code: '403', response_flags: 'UAEX' })).toBe(1)
    expect(sampleSum(families, 'istio_requests_total', { reporter: 'source', source_workload: 'productpage-v1', destination_app: 'httpbin', response_code: '403' })).toBe(1)
  })

  test('headersToUpstreamOnAllow, headersToDownstreamOnDeny and pathPrefix', async () => {
    await apply(`${meshConfig('\nheadersToUpstreamOnAllow: ["x-ext-authz-check-result"]\nheadersToDownstreamOnDeny: ["x-ext-authz-check-result"]\npathPrefix: /check')}---\n${customPolicy()}`)
    const allowed = await curl('/headers', { 'x-ext-authz': 'allow' })
    expect(JSON.parse(allowed.body).headers).toMatchObject({ 'X-Ext-Authz-Check-Result': 'allowed' })
    const denied = await curl('/headers', { 'x-ext-authz': 'deny' })
    expect(denied).toMatchObject({ status: 403, body: DENY_BODY })
    expect(denied.headers['x-ext-authz-check-result']).toBe('denied')
    expect(denied.headers['x-ext-authz-check-received']).toBeUndefined()
    expect(checks().at(-1)).toMatchObject({ path: '/check/headers' })
  })

  test('CUSTOM runs before DENY: the authorizer answers first; what it allows the DENY policy still denies', async () => {
    const denyHeaders = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-headers}
spec:
  selector: {matchLabels: {app: httpbin}}
  action: DENY
  rules: [{to: [{operation: {paths: ["/headers"]}}]}]
`
    await apply(`${meshConfig()}---\n${customPolicy()}---\n${denyHeaders}`)
    expect(await curl('/headers', { 'x-ext-authz': 'deny' })).toMatchObject({ status: 403, body: DENY_BODY })
    expect(await curl('/headers', { 'x-ext-authz': 'allow' })).toMatchObject({ status: 403, body: 'RBAC: access denied' })
    expect(checks()).toHaveLength(2)
  })

  test('provider down: statusOnError (403 by default, no body), or through with failOpen', async () => {
    await apply(`${meshConfig()}---\n${customPolicy()}`)
    await mesh.workload('ext-authz-v1').kill()
    const closed = await curl('/headers', { 'x-ext-authz': 'allow' })
    expect(closed).toMatchObject({ status: 403, body: '' })
    expect(mesh.records.filter((r) => r.reporter === 'source' && r.source.workload === 'productpage-v1').at(-1)).toMatchObject({ status: 403 })
    const atHttpbin = mesh.records.filter((r) => r.reporter === 'destination' && r.destination.app === 'httpbin').at(-1)!
    expect(atHttpbin.details).toBe('ext_authz_error')
    expect([...atHttpbin.flags]).toEqual(['UAEX'])
    await apply(meshConfig('\nstatusOnError: "503"'))
    expect((await curl('/headers', { 'x-ext-authz': 'allow' })).status).toBe(503)
    await apply(meshConfig('\nfailOpen: true'))
    expect((await curl('/headers', { 'x-ext-authz': 'deny' })).status).toBe(200)
    expect((await curl('/ip')).status).toBe(200)
  })

  test("the task's YAML copied as is (namespace foo): the provider's service is not found, so Istio denies what the policy matches", async () => {
    await apply(`${meshConfig().replaceAll('ext-authz.default.svc', 'ext-authz.foo.svc')}---\n${customPolicy()}`)
    expect(await curl('/headers', { 'x-ext-authz': 'allow' })).toMatchObject({ status: 403, body: 'RBAC: access denied' })
    const atHttpbin = mesh.records.filter((r) => r.reporter === 'destination' && r.destination.app === 'httpbin').at(-1)!
    expect(atHttpbin.details).toBe('rbac_access_denied_matched_policy[istio-ext-authz-sample-ext-authz-http-ns[default]-policy[ext-authz]-rule[0]-deny-due-to-bad-CUSTOM-action]')
    expect((await curl('/ip')).status).toBe(200)
    // The gRPC provider is defined but not simulated: its checks fail (statusOnError).
    await apply(`${meshConfig()}---\n${customPolicy('sample-ext-authz-grpc')}`)
    expect(await curl('/headers', { 'x-ext-authz': 'allow' })).toMatchObject({ status: 403, body: '' })
  })
})
