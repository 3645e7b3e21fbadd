import { describe, expect, test } from 'vitest'
import { ManualClock } from '../clock.ts'
import type { Handler, HeaderMap, MeshRequest } from '../filter.ts'
import { parseConfig } from '../control/parse/parse-config.ts'
import type { AuthorizationPolicy, EnvoyExtAuthzHttpProvider, MeshConfigMap } from '../control/types.ts'
import { get, stubUpstream } from '../../test/support/requests.ts'
import { compileCustomRules } from './authz.ts'
import { extAuthz, type ExtAuthzService } from './ext-authz.ts'

const HTTPBIN = { namespace: 'default', labels: { app: 'httpbin', version: 'v1' }, port: 8000 }

/** The provider of Istio's task, plus `fields`, compiled by the mesh config parser. */
function provider(fields = ''): EnvoyExtAuthzHttpProvider {
  const yaml = `apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data:
  mesh: |-
    extensionProviders:
    - name: sample-ext-authz-http
      envoyExtAuthzHttp: {service: ext-authz.default.svc.cluster.local, port: "8000", includeRequestHeadersInCheck: ["x-ext-authz"]${fields ? `, ${fields}` : ''}}
`
  const { resources, diagnostics } = parseConfig(yaml, 'istio.yaml')
  expect(diagnostics.filter((d) => d.level === 'Error')).toEqual([])
  const p = (resources[0] as MeshConfigMap).spec.extensionProviders.at(-1)!
  if (p.type !== 'envoyExtAuthzHttp') throw new Error('not http')
  return p.http
}

/** The task's CUSTOM policy: check requests to /headers. */
function triggers(rules = '[{to: [{operation: {paths: ["/headers"]}}]}]') {
  const yaml = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: ext-authz}
spec: {selector: {matchLabels: {app: httpbin}}, action: CUSTOM, provider: {name: sample-ext-authz-http}, rules: ${rules}}
`
  const policies = parseConfig(yaml, 'ap.yaml').resources as AuthorizationPolicy[]
  return compileCustomRules(policies, HTTPBIN).get('sample-ext-authz-http')!
}

/** Istio's sample authorizer, in memory: allowed iff `x-ext-authz: allow`. */
const sample: Handler = async (req) => {
  const allowed = req.headers['x-ext-authz'] === 'allow'
  const headers: HeaderMap = { 'x-ext-authz-check-result': allowed ? 'allowed' : 'denied', date: 'Thu, 01 Jan 2026 00:00:00 GMT', host: 'leaked', connection: 'keep-alive' }
  if (allowed) return { status: 200, headers, body: null }
  return { status: 403, headers: { ...headers, 'content-type': 'text/plain; charset=utf-8', 'content-length': '76' }, body: 'denied by ext_authz for not found header `x-ext-authz: allow` in the request' }
}

async function run(service: ExtAuthzService, req: MeshRequest, clock = new ManualClock(), rules = triggers()) {
  const app = stubUpstream(200)
  const res = await extAuthz(rules, service, clock)(app.handler)(req)
  return { res, app, flags: [...req.info.flags], details: req.info.details }
}

const http = (send: Handler | undefined, fields = ''): ExtAuthzService => ({ kind: 'http', provider: provider(fields), send })
const headersReq = (headers: HeaderMap = {}) => get('/headers', headers, 'httpbin:8000')

describe('ext_authz (CUSTOM), as Envoy answers', () => {
  test('a request no CUSTOM rule matches is not checked', async () => {
    const authorizer = stubUpstream(403)
    const { res, app } = await run(http(authorizer.handler), get('/ip', {}, 'httpbin:8000'))
    expect(res.status).toBe(200)
    expect(authorizer.calls).toHaveLength(0)
    expect(app.calls).toHaveLength(1)
  })

  test('denied: the provider\'s status, body and headers (not Host, not hop-by-hop), flag UAEX, ext_authz_denied', async () => {
    const { res, app, flags, details } = await run(http(sample), headersReq({ 'x-ext-authz': 'deny' }))
    expect(res).toMatchObject({ status: 403, body: 'denied by ext_authz for not found header `x-ext-authz: allow` in the request' })
    expect(res.headers).toEqual({ 'x-ext-authz-check-result': 'denied', date: 'Thu, 01 Jan 2026 00:00:00 GMT', 'content-type': 'text/plain; charset=utf-8' })
    expect(flags).toEqual(['UAEX'])
    expect(details).toBe('ext_authz_denied')
    expect(app.calls).toHaveLength(0)
  })

  test('allowed: the request goes on untouched, unless headersToUpstreamOnAllow / headersToDownstreamOnAllow say otherwise', async () => {
    const plain = await run(http(sample), headersReq({ 'x-ext-authz': 'allow' }))
    expect(plain.res.status).toBe(200)
    expect(plain.app.calls[0]!.headers['x-ext-authz-check-result']).toBeUndefined()
    expect(plain.flags).toEqual([])
    const passing = await run(http(sample, 'headersToUpstreamOnAllow: ["x-ext-authz-check-*"], headersToDownstreamOnAllow: [date]'), headersReq({ 'x-ext-authz': 'allow', 'x-ext-authz-check-result': 'forged' }))
    expect(passing.app.calls[0]!.headers['x-ext-authz-check-result']).toBe('allowed')
    expect(passing.res.headers.date).toBe('Thu, 01 Jan 2026 00:00:00 GMT')
  })

  test('the check request: method, pathPrefix + path, Host, Authorization and the listed headers, fixed headers on top, no body', async () => {
    const authorizer = stubUpstream(200)
    const req = { ...get('/headers?a=1', { 'x-ext-authz': 'allow', authorization: 'Bearer t', cookie: 'c', 'x-static': 'client', 'content-length': '3' }, 'httpbin:8000'), method: 'POST', body: Buffer.from('abc') }
    await run(http(authorizer.handler, 'pathPrefix: /check, includeAdditionalHeadersInCheck: {x-static: fixed}'), req, new ManualClock(), triggers('[{}]'))
    const check = authorizer.calls[0]!
    expect(check).toMatchObject({ method: 'POST', path: '/check/headers?a=1', authority: 'httpbin:8000', body: null })
    expect(check.headers).toEqual({ host: 'httpbin:8000', 'x-ext-authz': 'allow', authorization: 'Bearer t', 'x-static': 'fixed', 'content-length': '0' })
    expect(check.info).not.toBe(req.info)
  })

  test('a denial with headersToDownstreamOnDeny keeps those headers, Location, WWW-Authenticate and Content-Length only', async () => {
    const redirect: Handler = async () => ({ status: 302, headers: { location: '/login', 'set-cookie': 's=1', 'x-other': 'o' }, body: '' })
    const { res } = await run(http(redirect, 'headersToDownstreamOnDeny: ["*-cookie"]'), headersReq())
    expect(res).toMatchObject({ status: 302, headers: { location: '/login', 'set-cookie': 's=1' } })
    expect(res.headers['x-other']).toBeUndefined()
  })

  test.each([
    ['a 5xx answer', () => stubUpstream(503).handler],
    ['a failed connection', () => stubUpstream('connect-failure').handler],
    ['no such cluster in this proxy', () => undefined],
  ])('%s is an error: statusOnError (default 403), no body, UAEX, ext_authz_error; failOpen lets it through', async (_what, send) => {
    const closed = await run(http(send()), headersReq({ 'x-ext-authz': 'allow' }))
    expect(closed.res).toMatchObject({ status: 403, body: '' })
    expect(closed).toMatchObject({ flags: ['UAEX'], details: 'ext_authz_error' })
    expect(closed.app.calls).toHaveLength(0)
    expect((await run(http(send(), 'statusOnError: "503"'), headersReq())).res.status).toBe(503)
    const open = await run(http(send(), 'failOpen: true'), headersReq())
    expect(open.res.status).toBe(200)
    expect(open.flags).toEqual([])
  })

  test("the provider's timeout: the check is cancelled and fails, and no timer stays armed", async () => {
    const clock = new ManualClock()
    let cancelled = false
    const hanging: Handler = (req) => new Promise((_, reject) => req.cancel.onAbort((reason) => ((cancelled = true), reject(reason))))
    const app = stubUpstream(200)
    const pending = extAuthz(triggers(), http(hanging, 'timeout: 2s'), clock)(app.handler)(headersReq())
    await clock.advance(1999)
    expect(cancelled).toBe(false)
    await clock.advance(1)
    await expect(pending).resolves.toMatchObject({ status: 403 })
    expect(cancelled).toBe(true)
    expect(clock.pendingTimers()).toBe(0)
  })

  test('a fast answer disarms the timer', async () => {
    const clock = new ManualClock()
    await run(http(sample), headersReq({ 'x-ext-authz': 'allow' }), clock)
    expect(clock.pendingTimers()).toBe(0)
  })

  test('an unavailable provider (gRPC, or a check that would loop) fails every check it would make', async () => {
    const down: ExtAuthzService = { kind: 'unavailable', failOpen: false, statusOnError: 401 }
    expect(await run(down, headersReq({ 'x-ext-authz': 'allow' }))).toMatchObject({ res: { status: 401 }, flags: ['UAEX'], details: 'ext_authz_error' })
    expect((await run({ ...down, failOpen: true }, headersReq())).res.status).toBe(200)
  })
})
