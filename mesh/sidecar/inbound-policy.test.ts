import { describe, expect, test } from 'vitest'
import { ManualClock } from '../clock.ts'
import { compose } from '../filter.ts'
import { parseConfig } from '../control/parse/parse-config.ts'
import type { AuthorizationPolicy, ConfigSnapshot, IstioResource, LocalRateLimit, MeshConfigMap } from '../control/types.ts'
import { ServiceRegistry } from '../control/registry.ts'
import { randomSource } from '../random.ts'
import { EMPTY_CONFIG } from './config-feed.ts'
import { ClusterManager } from './cluster-manager.ts'
import { get, stubUpstream } from '../../test/support/requests.ts'
import { InboundPolicy } from './inbound-policy.ts'

const RATINGS = { namespace: 'default', labels: { app: 'ratings' }, port: 9080 }

/** Parsed resources with `raw` taken away: the inbound filters must work from the typed spec alone. */
function parsed(yaml: string): IstioResource[] {
  const { resources, diagnostics } = parseConfig(yaml, 'policy.yaml')
  expect(diagnostics.filter((d) => d.level === 'Error')).toEqual([])
  return resources.map((r) => ({ ...r, raw: undefined }) as IstioResource)
}

const snapshot = (resources: IstioResource[]): ConfigSnapshot => {
  const mesh = resources.find((r): r is MeshConfigMap => r.kind === 'ConfigMap')
  return {
    ...EMPTY_CONFIG,
    authorizationPolicies: resources.filter((r): r is AuthorizationPolicy => r.kind === 'AuthorizationPolicy'),
    localRateLimits: resources.filter((r): r is LocalRateLimit => r.kind === 'LocalRateLimit'),
    ...(mesh ? { meshConfig: mesh.spec } : {}),
  }
}

const limit = (match: string) => `apiVersion: meshdojo.dev/v1alpha1
kind: LocalRateLimit
metadata: {name: ratings-limit}
spec:
  selector: {matchLabels: {app: ratings}}
  routes:
  - match: [{uri: {prefix: ${match}}}]
    tokenBucket: {maxTokens: 2, fillInterval: 1h}
`

async function statuses(policy: InboundPolicy, resources: IstioResource[], n: number, path = '/ratings/0'): Promise<number[]> {
  // (the same request n times)
  const handler = compose(policy.compile(snapshot(resources)), stubUpstream(200).handler)
  const out: number[] = []
  for (let i = 0; i < n; i++) out.push((await handler(get(path))).status)
  return out
}

describe('inbound policy filters, from the typed spec only', () => {
  test('a route bucket keeps its tokens across a push of the same route, and restarts when the route changes', async () => {
    const policy = new InboundPolicy(RATINGS, new ManualClock())
    expect(await statuses(policy, parsed(limit('/ratings')), 1)).toEqual([200])
    // the same YAML, parsed again (new objects, written in another key order): the same bucket
    expect(await statuses(policy, parsed(limit('/ratings').replace('{maxTokens: 2, fillInterval: 1h}', '{fillInterval: 1h, maxTokens: 2}')), 2)).toEqual([200, 429])
    // another match: a new, full bucket
    expect(await statuses(policy, parsed(limit('/rat')), 3)).toEqual([200, 200, 429])
  })

  test('a dry-run policy is evaluated from spec.dryRun, never enforced', async () => {
    const deny = (dryRun: string) => `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-all, annotations: {istio.io/dry-run: "${dryRun}"}}
spec: {selector: {matchLabels: {app: ratings}}, action: DENY, rules: [{}]}
`
    const policy = new InboundPolicy(RATINGS, new ManualClock())
    expect(await statuses(policy, parsed(deny('true')), 1)).toEqual([200])
    expect(await statuses(policy, parsed(deny('false')), 1)).toEqual([403])
  })
})

/** Istio's task mesh config: a provider `http` (and `grpc`) on ext-authz, and `other` on httpbin. */
const MESH = (fields = '') => `apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data:
  mesh: |-
    extensionProviders:
    - name: http
      envoyExtAuthzHttp: {service: ext-authz.default.svc.cluster.local, port: 8000${fields}}
    - name: grpc
      envoyExtAuthzGrpc: {service: ext-authz.default.svc.cluster.local, port: 9000}
    - name: other
      envoyExtAuthzHttp: {service: httpbin.default.svc.cluster.local, port: 8000}
    - name: nowhere
      envoyExtAuthzHttp: {service: ext-authz.foo.svc.cluster.local, port: 8000}
    - name: lone-star
      envoyExtAuthzHttp: {service: ext-authz.default.svc.cluster.local, port: 8000, includeRequestHeadersInCheck: ["*"]}
---
`
const custom = (name: string, provider: string, app = 'ratings') => `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: ${name}}
spec: {selector: {matchLabels: {app: ${app}}}, action: CUSTOM, provider: {name: ${provider}}, rules: [{}]}
---
`
const DENY_ALL = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-all}
spec: {selector: {matchLabels: {app: ratings}}, action: DENY, rules: [{}]}
---
`

/**
 * Services ratings, ext-authz (no endpoint: every check fails at once, without a socket) and httpbin; the inbound
 * policy of `self`.
 */
function sidecar(self: { app: string; labels: Record<string, string>; port: number } = { app: 'ratings', labels: { app: 'ratings' }, port: 9080 }) {
  const registry = new ServiceRegistry()
  for (const [name, port] of [['ratings', 9080], ['ext-authz', 8000], ['httpbin', 8000]] as const) registry.addService(name, port)
  // Labels for the loop check; never dialled (only ext-authz is ever a provider asked here).
  registry.upsertEndpoint({ workload: 'httpbin-v1', service: 'httpbin', labels: { app: 'httpbin' }, address: '127.0.0.1:1', ready: true })
  const clusters = new ClusterManager('test/inbound', registry, { clock: new ManualClock(), random: randomSource(1) })
  const policy = new InboundPolicy({ namespace: 'default', labels: self.labels, port: self.port }, new ManualClock(), undefined, {
    registry, clusters, ownService: `${self.app}.default.svc.cluster.local`,
  })
  return { policy, clusters, registry }
}

async function answer(policy: InboundPolicy, yaml: string, path = '/ratings/0') {
  const app = stubUpstream(200)
  const req = get(path)
  const res = await compose(policy.compile(snapshot(parsed(yaml))), app.handler)(req)
  return { status: res.status, details: req.info.details, flags: [...req.info.flags], reachedApp: app.calls.length === 1 }
}

describe('CUSTOM policies on the inbound side', () => {
  test('CUSTOM runs before DENY and ALLOW: a failed check answers first; with failOpen, DENY still applies', async () => {
    const { policy, clusters } = sidecar()
    // No ext-authz endpoint: the check fails (no healthy upstream) and statusOnError answers.
    expect(await answer(policy, MESH() + custom('ext', 'http') + DENY_ALL)).toEqual({ status: 403, details: 'ext_authz_error', flags: ['UAEX'], reachedApp: false })
    expect(clusters.list().map((c) => c.name)).toEqual(['outbound|8000||ext-authz.default.svc.cluster.local'])
    expect(await answer(policy, MESH(', failOpen: true') + custom('ext', 'http') + DENY_ALL)).toMatchObject({ status: 403, details: 'rbac_access_denied_matched_policy[ns[default]-policy[deny-all]-rule[0]]' })
    expect(await answer(policy, MESH(', failOpen: true') + custom('ext', 'http'))).toMatchObject({ status: 200, reachedApp: true })
    await clusters.close()
  })

  test.each([
    ['not in the mesh config', MESH() + custom('ext', 'missing'), 'istio-ext-authz-missing-ns[default]-policy[ext]-rule[0]-deny-due-to-bad-CUSTOM-action'],
    ['not an ext_authz provider', MESH() + custom('ext', 'prometheus'), 'istio-ext-authz-prometheus-ns[default]-policy[ext]-rule[0]-deny-due-to-bad-CUSTOM-action'],
    ['whose service is not in the registry', MESH() + custom('ext', 'nowhere'), 'istio-ext-authz-nowhere-ns[default]-policy[ext]-rule[0]-deny-due-to-bad-CUSTOM-action'],
    ['that istiod cannot build (a lone "*")', MESH() + custom('ext', 'lone-star'), 'istio-ext-authz-lone-star-ns[default]-policy[ext]-rule[0]-deny-due-to-bad-CUSTOM-action'],
    ['one of two on one workload (Istio allows one per workload by default)', MESH() + custom('a', 'http') + custom('b', 'other'), 'istio-ext-authz-http-ns[default]-policy[a]-rule[0]-deny-due-to-bad-CUSTOM-action'],
  ])('a provider %s: Istio denies what the policy matches', async (_what, yaml, policyName) => {
    const { policy, clusters } = sidecar()
    expect(await answer(policy, yaml)).toEqual({ status: 403, details: `rbac_access_denied_matched_policy[${policyName}]`, flags: [], reachedApp: false })
    await clusters.close()
  })

  test('a gRPC provider is not simulated: its checks fail as if it were down', async () => {
    const { policy, clusters } = sidecar()
    expect(await answer(policy, MESH() + custom('ext', 'grpc'))).toMatchObject({ status: 403, details: 'ext_authz_error', flags: ['UAEX'] })
    await clusters.close()
  })

  test('the provider\'s own workload is not checked by itself; a loop through two providers fails its checks at once', async () => {
    const own = sidecar({ app: 'ext-authz', labels: { app: 'ext-authz' }, port: 8000 })
    expect(await answer(own.policy, MESH() + custom('self', 'http', 'ext-authz'))).toMatchObject({ status: 200, reachedApp: true })
    // httpbin is checked by ext-authz, and ext-authz by httpbin: each check would need the other, forever.
    const httpbin = sidecar({ app: 'httpbin', labels: { app: 'httpbin' }, port: 8000 })
    httpbin.registry.upsertEndpoint({ workload: 'ext-authz-v1', service: 'ext-authz', labels: { app: 'ext-authz' }, address: '127.0.0.1:1', ready: true })
    expect(await answer(httpbin.policy, MESH() + custom('a', 'http', 'httpbin') + custom('b', 'other', 'ext-authz'))).toMatchObject({ status: 403, details: 'ext_authz_error' })
    expect(httpbin.clusters.list()).toEqual([]) // never sent: no connection was tried
    // Without the way back, the check goes to ext-authz's cluster (no endpoint now, so no socket: it fails, failOpen).
    httpbin.registry.removeEndpoint('ext-authz-v1')
    expect(await answer(httpbin.policy, MESH(', failOpen: true') + custom('a', 'http', 'httpbin'))).toMatchObject({ status: 200 })
    expect(httpbin.clusters.list().map((c) => c.name)).toEqual(['outbound|8000||ext-authz.default.svc.cluster.local'])
    await own.clusters.close()
    await httpbin.clusters.close()
  })

  test('policies with targetRef(s) are not applied by sidecars', async () => {
    const { policy, clusters } = sidecar()
    const denyGateway = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-gw}
spec: {targetRefs: [{kind: Service, name: ratings}], action: DENY, rules: [{}]}
`
    expect(await answer(policy, denyGateway)).toMatchObject({ status: 200, reachedApp: true })
    await clusters.close()
  })
})
