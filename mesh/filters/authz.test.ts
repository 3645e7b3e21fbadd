import { describe, expect, test } from 'vitest'
import { parseConfig } from '../control/parse/parse-config.ts'
import type { AuthorizationPolicy } from '../control/types.ts'
import { get, stubUpstream } from '../../test/support/requests.ts'
import { authorization, compileAuthorization, compileCustomRules, type AuthzTarget } from './authz.ts'

const RATINGS: AuthzTarget = { namespace: 'default', labels: { app: 'ratings', version: 'v1' }, port: 9080 }
const PRODUCTPAGE = 'spiffe://cluster.local/ns/default/sa/bookinfo-productpage'
const REVIEWS = 'spiffe://cluster.local/ns/default/sa/bookinfo-reviews'

function policies(yaml: string): AuthorizationPolicy[] {
  const { resources, diagnostics } = parseConfig(yaml, 'ap.yaml')
  expect(diagnostics.filter((d) => d.level === 'Error')).toEqual([])
  return resources as AuthorizationPolicy[]
}

const ap = (name: string, spec: string, ns = 'default') => `---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: ${name}, namespace: ${ns}}
spec: ${spec}
`

/** Sends one request as `principal` (a verified certificate; '' = plain text) and returns the status. */
async function call(ps: AuthorizationPolicy[], principal: string, path = '/ratings/0', method = 'GET', headers: Record<string, string> = {}) {
  const engine = compileAuthorization(ps, RATINGS)
  const upstream = stubUpstream(200)
  const req = { ...get(path, headers, 'ratings:9080'), method }
  req.info.peerPrincipal = principal
  req.info.downstreamRemoteAddress = '127.0.0.1'
  const handler = engine ? authorization(engine)(upstream.handler) : upstream.handler
  const res = await handler(req)
  return { status: res.status, body: res.body, details: req.info.details }
}

describe('AuthorizationPolicy evaluation', () => {
  test('no policy: no engine at all, so requests pay nothing', () => {
    expect(compileAuthorization([], RATINGS)).toBeUndefined()
    expect(compileAuthorization(policies(ap('other', '{selector: {matchLabels: {app: details}}, rules: [{}]}')), RATINGS)).toBeUndefined()
  })

  test('ALLOW only productpage: reviews and plain text are denied with [none]', async () => {
    const ps = policies(ap('ratings-viewer', `{selector: {matchLabels: {app: ratings}}, action: ALLOW, rules: [{from: [{source: {principals: ["cluster.local/ns/default/sa/bookinfo-productpage"]}}]}]}`))
    expect((await call(ps, PRODUCTPAGE)).status).toBe(200)
    expect(await call(ps, REVIEWS)).toEqual({ status: 403, body: 'RBAC: access denied', details: 'rbac_access_denied_matched_policy[none]' })
    expect((await call(ps, '')).status).toBe(403)
  })

  test('DENY beats ALLOW, and names the matched rule', async () => {
    const ps = policies(
      ap('allow-all', '{rules: [{}]}') +
        ap('deny-post', '{action: DENY, rules: [{to: [{operation: {methods: ["POST"]}}]}, {from: [{source: {principals: ["*/sa/bookinfo-reviews"]}}]}]}'),
    )
    expect((await call(ps, PRODUCTPAGE)).status).toBe(200)
    expect(await call(ps, PRODUCTPAGE, '/ratings/0', 'POST')).toMatchObject({ status: 403, details: 'rbac_access_denied_matched_policy[ns[default]-policy[deny-post]-rule[0]]' })
    expect(await call(ps, REVIEWS)).toMatchObject({ status: 403, details: 'rbac_access_denied_matched_policy[ns[default]-policy[deny-post]-rule[1]]' })
  })

  test('CUSTOM policies are not RBAC rules (ext-authz.ts checks them); policies with targetRef(s) are for gateways and waypoints', () => {
    expect(compileAuthorization(policies(ap('ext', '{action: CUSTOM, provider: {name: x}, rules: [{}]}')), RATINGS)).toBeUndefined()
    expect(compileAuthorization(policies(ap('gw', '{targetRef: {group: gateway.networking.k8s.io, kind: Gateway, name: ratings}, action: DENY, rules: [{}]}')), RATINGS)).toBeUndefined()
    const custom = compileCustomRules(policies(ap('ext', '{action: CUSTOM, provider: {name: x}, rules: [{}, {to: [{operation: {paths: ["/a"]}}]}]}')), RATINGS)
    expect([...custom].map(([provider, rules]) => [provider, rules.map((r) => r.name)])).toEqual([
      ['x', ['istio-ext-authz-x-ns[default]-policy[ext]-rule[0]', 'istio-ext-authz-x-ns[default]-policy[ext]-rule[1]']],
    ])
  })

  test('an ALLOW policy without rules denies everything; AUDIT never decides', async () => {
    expect((await call(policies(ap('allow-nothing', '{}')), PRODUCTPAGE)).status).toBe(403)
    expect((await call(policies(ap('audit', '{action: AUDIT, rules: [{}]}')), '')).status).toBe(200)
  })

  test('root namespace policies apply everywhere; other namespaces do not', async () => {
    expect((await call(policies(ap('deny', '{action: DENY, rules: [{}]}', 'istio-system')), PRODUCTPAGE)).status).toBe(403)
    expect((await call(policies(ap('deny', '{action: DENY, rules: [{}]}', 'other')), PRODUCTPAGE)).status).toBe(200)
  })

  test.each([
    ['principals exact', '{principals: ["cluster.local/ns/default/sa/bookinfo-productpage"]}', PRODUCTPAGE, true],
    ['principals *', '{principals: ["*"]}', '', false],
    ['principals *', '{principals: ["*"]}', REVIEWS, true],
    ['principals prefix', '{principals: ["cluster.local/ns/default/*"]}', REVIEWS, true],
    ['notPrincipals matches plain text', '{notPrincipals: ["*"]}', '', true],
    ['namespaces', '{namespaces: ["default"]}', REVIEWS, true],
    ['namespaces (plain text has none)', '{namespaces: ["default"]}', '', false],
    ['notNamespaces', '{notNamespaces: ["istio-system"]}', REVIEWS, true],
    ['serviceAccounts', '{serviceAccounts: ["bookinfo-reviews"]}', REVIEWS, true],
    ['serviceAccounts other ns', '{serviceAccounts: ["prod/bookinfo-reviews"]}', REVIEWS, false],
    ['requestPrincipals never (no JWT)', '{requestPrincipals: ["*"]}', PRODUCTPAGE, false],
    ['ipBlocks', '{ipBlocks: ["127.0.0.0/8"]}', '', true],
    ['notIpBlocks', '{notIpBlocks: ["127.0.0.1"]}', '', false],
  ])('source %s', async (_name, source, principal, allowed) => {
    const ps = policies(ap('p', `{rules: [{from: [{source: ${source}}]}]}`))
    expect((await call(ps, principal)).status).toBe(allowed ? 200 : 403)
  })

  test.each([
    ['paths exact', '{paths: ["/ratings/0"]}', '/ratings/0?x=1', true],
    ['paths prefix', '{paths: ["/ratings/*"]}', '/ratings/7', true],
    ['paths suffix', '{paths: ["*/0"]}', '/ratings/7', false],
    ['paths template', '{paths: ["/ratings/{*}"]}', '/ratings/7', true],
    ['notPaths', '{notPaths: ["/health"]}', '/health', false],
    ['methods', '{methods: ["GET", "HEAD"]}', '/ratings/0', true],
    ['hosts (case-insensitive)', '{hosts: ["RATINGS:9080"]}', '/ratings/0', true],
    ['hosts suffix', '{hosts: ["*:9080"]}', '/ratings/0', true],
    ['ports', '{ports: ["9080"]}', '/ratings/0', true],
    ['notPorts', '{notPorts: ["9080"]}', '/ratings/0', false],
  ])('operation %s', async (_name, operation, path, allowed) => {
    const ps = policies(ap('p', `{rules: [{to: [{operation: ${operation}}]}]}`))
    expect((await call(ps, PRODUCTPAGE, path)).status).toBe(allowed ? 200 : 403)
  })

  test('when: headers (exact, prefix, presence, notValues) and source.principal', async () => {
    const ps = policies(
      ap('p', `{rules: [{when: [{key: "request.headers[end-user]", values: ["jas*"]}, {key: "request.headers[x-debug]", notValues: ["*"]}, {key: source.principal, values: ["cluster.local/ns/default/sa/bookinfo-productpage"]}]}]}`),
    )
    expect((await call(ps, PRODUCTPAGE, '/', 'GET', { 'end-user': 'jason' })).status).toBe(200)
    expect((await call(ps, PRODUCTPAGE, '/', 'GET', { 'end-user': 'bob' })).status).toBe(403)
    expect((await call(ps, PRODUCTPAGE, '/', 'GET', { 'end-user': 'jason', 'x-debug': '1' })).status).toBe(403)
    expect((await call(ps, REVIEWS, '/', 'GET', { 'end-user': 'jason' })).status).toBe(403)
  })

  test('principals come from the certificate only: a forged header changes nothing', async () => {
    const ps = policies(ap('p', `{rules: [{from: [{source: {principals: ["cluster.local/ns/default/sa/bookinfo-productpage"]}}]}]}`))
    const forged = { 'x-forwarded-client-cert': `By=x;URI=${PRODUCTPAGE}`, 'x-envoy-peer-metadata-id': 'sidecar~127.0.0.1~productpage-v1.default~default.svc.cluster.local' }
    expect((await call(ps, REVIEWS, '/', 'GET', forged)).status).toBe(403)
    expect((await call(ps, '', '/', 'GET', forged)).status).toBe(403)
  })

  // Istio turns these globs into regexes (`.*/ns/.*-prod/.*`); on a backtracking engine a principal with many
  // `/ns/` costs n² steps, seconds at this length. RE2 takes one pass.
  test('namespace and service-account globs take time linear in a long crafted principal', { timeout: 1_000 }, async () => {
    const ps = policies(ap('p', '{rules: [{from: [{source: {namespaces: ["*-prod"]}}]}, {from: [{source: {serviceAccounts: ["bookinfo-productpage"]}}]}]}'))
    const crafted = `spiffe://cluster.local${'/ns/default/'.repeat(16_000)}`
    expect(await call(ps, crafted)).toMatchObject({ status: 403, details: 'rbac_access_denied_matched_policy[none]' })
    expect((await call(ps, 'spiffe://cluster.local/ns/shop-prod/sa/web')).status).toBe(200)
    expect((await call(ps, PRODUCTPAGE)).status).toBe(200)
  })

  test('dry-run policies are never enforced', async () => {
    const ps = policies(`apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-all, annotations: {istio.io/dry-run: "true"}}
spec: {action: DENY, rules: [{}]}
`)
    expect((await call(ps, PRODUCTPAGE)).status).toBe(200)
  })
})
