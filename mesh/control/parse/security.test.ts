import { describe, expect, test } from 'vitest'
import { authorizationPolicySpec } from './authorization-policy.ts'
import { parseConfig } from './parse-config.ts'
import { Reporter } from './reporter.ts'
import { ConfigStore } from '../config-store.ts'
import { formatResources } from '../format.ts'
import type { AuthorizationPolicy } from '../types.ts'
import { resolveKind } from '../kinds.ts'

const errors = (yaml: string) =>
  parseConfig(yaml, 'f.yaml')
    .diagnostics.filter((d) => d.level === 'Error')
    .map((d) => ({ code: d.code, field: d.field }))

const doc = (kind: string, spec: string, api = 'security.istio.io/v1') => `apiVersion: ${api}
kind: ${kind}
metadata: {name: x}
spec: ${spec}
`

describe('security.istio.io and meshdojo.dev kinds', () => {
  test('Istio samples parse: mesh-wide STRICT, namespace PERMISSIVE, workload with ports; v1beta1 too', () => {
    expect(errors(doc('PeerAuthentication', '{mtls: {mode: STRICT}}'))).toEqual([])
    expect(errors(doc('PeerAuthentication', '{}', 'security.istio.io/v1beta1'))).toEqual([])
    expect(errors(doc('PeerAuthentication', '{selector: {matchLabels: {app: ratings}}, mtls: {mode: STRICT}, portLevelMtls: {9080: {mode: DISABLE}}}'))).toEqual([])
    expect(errors(doc('AuthorizationPolicy', '{}'))).toEqual([])
    expect(
      errors(
        doc(
          'AuthorizationPolicy',
          `{selector: {matchLabels: {app: details}}, action: ALLOW, rules: [{from: [{source: {principals: ["cluster.local/ns/default/sa/bookinfo-productpage"]}}], to: [{operation: {methods: ["GET"], paths: ["/details/*"]}}], when: [{key: "request.headers[end-user]", values: ["jason"]}]}]}`,
        ),
      ),
    ).toEqual([])
    expect(errors(doc('LocalRateLimit', '{selector: {matchLabels: {app: ratings}}, tokenBucket: {maxTokens: 10, tokensPerFill: 10, fillInterval: 1s}}', 'meshdojo.dev/v1alpha1'))).toEqual([])
  })

  test.each([
    ['PeerAuthentication', '{mtls: {mode: STRICTEST}}', 'MD0106', 'spec.mtls.mode'],
    ['PeerAuthentication', '{portLevelMtls: {9080: {mode: STRICT}}}', 'MD0107', 'spec.portLevelMtls'],
    ['PeerAuthentication', '{selector: {matchLabels: {app: r}}, portLevelMtls: {0: {mode: STRICT}}}', 'MD0111', 'spec.portLevelMtls.0'],
    ['PeerAuthentication', '{selector: {matchLabels: {app: "r*"}}}', 'MD0106', 'spec.selector.matchLabels.app'],
    ['AuthorizationPolicy', '{action: CUSTOM, provider: {name: x}}', 'MD0108', 'spec.rules'],
    ['AuthorizationPolicy', '{action: DENY}', 'MD0108', 'spec.rules'],
    ['AuthorizationPolicy', '{action: ALLOW, provider: {name: x}}', 'MD0107', 'spec.provider'],
    ['AuthorizationPolicy', '{rules: [{from: []}]}', 'MD0108', 'spec.rules[0].from'],
    ['AuthorizationPolicy', '{rules: [{from: [{source: {}}]}]}', 'MD0108', 'spec.rules[0].from[0].source'],
    ['AuthorizationPolicy', '{rules: [{to: [{operation: {ports: ["http"]}}]}]}', 'MD0111', 'spec.rules[0].to[0].operation.ports[0]'],
    ['AuthorizationPolicy', '{rules: [{from: [{source: {trustDomains: ["a*b*"]}}]}]}', 'MD0106', 'spec.rules[0].from[0].source.trustDomains[0]'],
    ['AuthorizationPolicy', '{rules: [{when: [{key: source.ip, values: [10.0.0.1, "10.0.0.0/33"]}]}]}', 'MD0106', 'spec.rules[0].when[0].values[1]'],
    ['AuthorizationPolicy', '{rules: [{when: [{key: destination.port, notValues: [http]}]}]}', 'MD0111', 'spec.rules[0].when[0].notValues[0]'],
    ['AuthorizationPolicy', '{rules: [{when: [{key: source.serviceAccount, values: ["a/b/c"]}]}]}', 'MD0106', 'spec.rules[0].when[0].values[0]'],
    ['AuthorizationPolicy', '{rules: [{from: [{source: {principals: [a], serviceAccounts: [b]}}]}]}', 'MD0107', 'spec.rules[0].from[0].source'],
    ['AuthorizationPolicy', '{rules: [{when: [{key: "destination.labels[app]", values: [x]}]}]}', 'MD0106', 'spec.rules[0].when[0].key'],
    ['AuthorizationPolicy', '{rules: [{when: [{key: "request.headers[x]"}]}]}', 'MD0108', 'spec.rules[0].when[0]'],
    ['AuthorizationPolicy', '{rules: [{from: [{source: {ipBlocks: ["10.0.0.0/99"]}}]}]}', 'MD0106', 'spec.rules[0].from[0].source.ipBlocks[0]'],
    ['AuthorizationPolicy', '{targetRefs: [{kind: Service}]}', 'MD0108', 'spec.targetRefs[0].name'],
    ['AuthorizationPolicy', '{rules: [{to: [{operation: {paths: ["/a/{**}/{*}"]}}]}]}', 'MD0106', 'spec.rules[0].to[0].operation.paths[0]'],
  ])('%s %s → %s at %s', (kind, spec, code, field) => {
    expect(errors(doc(kind, spec))).toContainEqual({ code, field })
  })

  test.each([
    ['{}', 'MD0108', 'spec'],
    ['{tokenBucket: {maxTokens: 0, fillInterval: 1s}}', 'MD0101', 'spec.tokenBucket.maxTokens'],
    ['{tokenBucket: {maxTokens: 5, fillInterval: 10ms}}', 'MD0112', 'spec.tokenBucket.fillInterval'],
    ['{tokenBucket: {maxTokens: 5}}', 'MD0108', 'spec.tokenBucket.fillInterval'],
    ['{routes: [{match: [{uri: {prefix: /r}}]}]}', 'MD0108', 'spec.routes[0].tokenBucket'],
  ])('LocalRateLimit %s → %s at %s', (spec, code, field) => {
    expect(errors(doc('LocalRateLimit', spec, 'meshdojo.dev/v1alpha1'))).toContainEqual({ code, field })
  })

  test('istio.io/dry-run: a boolean, only on ALLOW and DENY AuthorizationPolicies', () => {
    const annotated = (kind: string, value: string, spec: string, api = 'security.istio.io/v1') =>
      doc(kind, spec, api).replace('metadata: {name: x}', `metadata: {name: x, annotations: {istio.io/dry-run: "${value}"}}`)
    const field = 'metadata.annotations["istio.io/dry-run"]'
    expect(errors(annotated('AuthorizationPolicy', 'foo', '{action: DENY, rules: [{}]}'))).toEqual([{ code: 'MD0005', field }])
    expect(errors(annotated('AuthorizationPolicy', 'true', '{action: AUDIT, rules: [{}]}'))).toEqual([{ code: 'MD0107', field }])
    expect(errors(annotated('PeerAuthentication', 'true', '{}'))).toEqual([{ code: 'MD0005', field }])
    const spec = (value: string) => (parseConfig(annotated('AuthorizationPolicy', value, '{rules: [{}]}'), 'f.yaml').resources[0] as AuthorizationPolicy).spec
    expect(['true', 'True', '1', 't'].map((v) => spec(v).dryRun)).toEqual([true, true, true, true])
    expect(['false', 'F', '0'].map((v) => spec(v).dryRun)).toEqual([false, false, false])
    expect((parseConfig(doc('AuthorizationPolicy', '{}'), 'f.yaml').resources[0] as AuthorizationPolicy).spec.dryRun).toBe(false)
  })

  test("Istio's internal annotations are rejected on every kind", () => {
    const withAnnotation = (key: string) => doc('PeerAuthentication', '{}').replace('metadata: {name: x}', `metadata: {name: x, annotations: {${key}: "x"}}`)
    expect(errors(withAnnotation('internal.istio.io/parents'))).toEqual([{ code: 'MD0005', field: 'metadata.annotations["internal.istio.io/parents"]' }])
    expect(errors(withAnnotation('internal.istio.io/webhook-always-reject'))).toEqual([{ code: 'MD0005', field: 'metadata.annotations["internal.istio.io/webhook-always-reject"]' }])
  })

  test('values are compiled at parse time: the spec holds matchers, keeping each value as written', () => {
    const { resources } = parseConfig(doc('AuthorizationPolicy', `{rules: [{from: [{source: {principals: ["*/sa/bookinfo-reviews"], namespaces: ["team-*"], ipBlocks: ["10.0.0.0/8"]}}],
      to: [{operation: {hosts: ["Ratings*"], ports: ["09080"], paths: ["/ratings/{*}"]}}], when: [{key: "request.headers[X-User]", values: ["jason"]}]}]}`), 'f.yaml')
    const rule = (resources[0] as AuthorizationPolicy).spec.rules[0]!
    const source = rule.from![0]!
    expect(source.principals.map((m) => m.source)).toEqual(['*/sa/bookinfo-reviews'])
    expect(source.principals[0]!.matches('spiffe://cluster.local/ns/default/sa/bookinfo-reviews')).toBe(true)
    expect(source.principals[0]!.matches('')).toBe(false)
    expect(source.namespaces[0]!.matches('spiffe://cluster.local/ns/team-a/sa/x')).toBe(true)
    expect(source.namespaces[0]!.matches('spiffe://cluster.local/ns/default/sa/x')).toBe(false)
    expect(source.ipBlocks[0]!.matches('::ffff:10.1.2.3')).toBe(true)
    const op = rule.to![0]!
    expect(op.hosts[0]!.matches('ratings:9080')).toBe(true) // hosts ignore case
    expect(op.ports[0]!.matches('9080')).toBe(true)
    expect(op.paths[0]!.matches('/ratings/0')).toBe(true)
    expect(op.paths[0]!.matches('/ratings/0/1')).toBe(false)
    expect(rule.when[0]).toMatchObject({ key: 'request.headers[X-User]', attribute: { kind: 'header', name: 'x-user' } })
  })

  test('a * inside a principal is a character, not a wildcard, as in Istio: accepted with a warning', () => {
    const { diagnostics } = parseConfig(doc('AuthorizationPolicy', '{rules: [{from: [{source: {principals: ["a*b*"]}}]}]}'), 'f.yaml')
    expect(diagnostics.filter((d) => d.level === 'Error')).toEqual([])
    expect(diagnostics).toContainEqual(expect.objectContaining({ level: 'Warning', code: 'MD0121', field: 'spec.rules[0].from[0].source.principals[0]' }))
  })

  test('request principals parse with a warning: no JWT here', () => {
    const { diagnostics } = parseConfig(doc('AuthorizationPolicy', '{rules: [{from: [{source: {requestPrincipals: ["*"]}}]}]}'), 'f.yaml')
    expect(diagnostics).toContainEqual(expect.objectContaining({ level: 'Warning', code: 'MD0104', field: 'spec.rules[0].from[0].source.requestPrincipals' }))
  })

  // `/\/+$/` (the trim this check used) backtracks over every run of slashes: n² steps, seconds at this length.
  test('a path template with a long run of slashes is checked in linear time', { timeout: 1_000 }, () => {
    const r = new Reporter(undefined)
    const paths = [`/{*}${'/'.repeat(50_000)}x`, `/a/{**}/{*}${'/'.repeat(50_000)}`]
    authorizationPolicySpec({ rules: [{ to: [{ operation: { paths } }] }] }, 'spec', r)
    expect(r.diagnostics().map((d) => [d.field, d.message])).toEqual([['spec.rules[0].to[0].operation.paths[1]', expect.stringContaining('{**} is not the last operator')]])
  })

  test('kubectl names and get tables', () => {
    expect(resolveKind('pa')).toBe('PeerAuthentication')
    expect(resolveKind('peerauthentications.security.istio.io')).toBe('PeerAuthentication')
    expect(resolveKind('authorizationpolicies')).toBe('AuthorizationPolicy')
    expect(resolveKind('ap')).toBe('AuthorizationPolicy')
    expect(resolveKind('localratelimits')).toBe('LocalRateLimit')
    const store = new ConfigStore({ now: () => 0 })
    store.applyText(
      `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: istio-system}
spec: {mtls: {mode: STRICT}}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-post}
spec: {action: DENY, rules: [{to: [{operation: {methods: [POST]}}]}]}
`,
      'sec.yaml',
    )
    expect(store.snapshot().peerAuthentications).toHaveLength(1)
    expect(store.snapshot().authorizationPolicies).toHaveLength(1)
    expect(formatResources(store.list('pa'), 'table', { allNamespaces: true })).toBe('NAMESPACE      NAME      MODE     AGE\nistio-system   default   STRICT   <unknown>\n')
    expect(formatResources(store.list('ap'), 'table')).toBe('NAME        ACTION   AGE\ndeny-post   DENY     <unknown>\n')
  })
})
