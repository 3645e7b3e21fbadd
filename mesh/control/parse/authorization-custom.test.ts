import { describe, expect, test } from 'vitest'
import { parseConfig } from './parse-config.ts'
import type { AuthorizationPolicy } from '../types.ts'

const ap = (spec: string, annotations = '') => `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: ext-authz${annotations ? `, annotations: ${annotations}` : ''}}
spec: ${spec}
`

const findings = (yaml: string, level: 'Error' | 'Warning' = 'Error') =>
  parseConfig(yaml, 'ap.yaml')
    .diagnostics.filter((d) => d.level === level)
    .map((d) => ({ code: d.code, field: d.field }))

const spec = (yaml: string) => {
  const { resources, diagnostics } = parseConfig(yaml, 'ap.yaml')
  expect(diagnostics.filter((d) => d.level === 'Error')).toEqual([])
  return (resources[0] as AuthorizationPolicy).spec
}

describe('action: CUSTOM, as Istio\'s webhook checks it', () => {
  test("Istio's task policy parses, with its provider and rules", () => {
    const s = spec(ap('{selector: {matchLabels: {app: httpbin}}, action: CUSTOM, provider: {name: sample-ext-authz-http}, rules: [{to: [{operation: {paths: ["/headers"]}}]}]}'))
    expect(s).toMatchObject({ action: 'CUSTOM', provider: 'sample-ext-authz-http', targetRefs: [] })
    expect(s.rules[0]!.to![0]!.paths.map((m) => m.source)).toEqual(['/headers'])
    expect(findings(ap('{action: CUSTOM, provider: {name: x}, rules: [{}]}'), 'Warning')).toEqual([])
  })

  test.each([
    ['no rules', '{action: CUSTOM, provider: {name: x}}', 'MD0108', 'spec.rules'],
    ['an empty rule list (no list, to protobuf)', '{action: CUSTOM, provider: {name: x}, rules: []}', 'MD0108', 'spec.rules'],
    ['no provider', '{action: CUSTOM, rules: [{}]}', 'MD0108', 'spec.provider.name'],
    ['an empty provider name', '{action: CUSTOM, provider: {name: ""}, rules: [{}]}', 'MD0108', 'spec.provider.name'],
    ['a provider that is not an object', '{action: CUSTOM, provider: x, rules: [{}]}', 'MD0102', 'spec.provider'],
    ['an unknown provider field', '{action: CUSTOM, provider: {name: x, namespace: y}, rules: [{}]}', 'MD0103', 'spec.provider.namespace'],
    ['a provider on ALLOW', '{action: ALLOW, provider: {name: x}, rules: [{}]}', 'MD0107', 'spec.provider'],
    ['a provider on DENY', '{action: DENY, provider: {name: x}, rules: [{}]}', 'MD0107', 'spec.provider'],
    ['principals', '{action: CUSTOM, provider: {name: x}, rules: [{from: [{source: {principals: [a]}}]}]}', 'MD0119', 'spec.rules[0].from[0].source.principals'],
    ['notNamespaces', '{action: CUSTOM, provider: {name: x}, rules: [{}, {from: [{source: {ipBlocks: [10.0.0.1]}}, {source: {notNamespaces: [a]}}]}]}', 'MD0119', 'spec.rules[1].from[1].source.notNamespaces'],
    ['serviceAccounts', '{action: CUSTOM, provider: {name: x}, rules: [{from: [{source: {serviceAccounts: [a]}}]}]}', 'MD0119', 'spec.rules[0].from[0].source.serviceAccounts'],
    ['trustDomains', '{action: CUSTOM, provider: {name: x}, rules: [{from: [{source: {trustDomains: [a]}}]}]}', 'MD0119', 'spec.rules[0].from[0].source.trustDomains'],
    ['when source.principal', '{action: CUSTOM, provider: {name: x}, rules: [{when: [{key: source.principal, values: [a]}]}]}', 'MD0119', 'spec.rules[0].when[0].key'],
    ['when request.auth.claims', '{action: CUSTOM, provider: {name: x}, rules: [{when: [{key: source.ip, values: [10.0.0.1]}, {key: "request.auth.claims[iss]", values: [a]}]}]}', 'MD0119', 'spec.rules[0].when[1].key'],
  ])('%s → %s at %s', (_what, s, code, field) => {
    expect(findings(ap(s))).toContainEqual({ code, field })
  })

  test('what CUSTOM rules may match: ipBlocks, operations, headers (the authorizer decides on identities)', () => {
    expect(findings(ap('{action: CUSTOM, provider: {name: x}, rules: [{from: [{source: {ipBlocks: ["10.0.0.0/8"], remoteIpBlocks: ["1.2.3.4"]}}], to: [{operation: {paths: ["/admin/*"], methods: [POST]}}], when: [{key: "request.headers[x-user]", values: [a]}]}]}'))).toEqual([])
  })

  test('istio.io/dry-run is refused on CUSTOM, as Istio\'s webhook does', () => {
    expect(findings(ap('{action: CUSTOM, provider: {name: x}, rules: [{}]}', '{istio.io/dry-run: "true"}'))).toEqual([
      { code: 'MD0107', field: 'metadata.annotations["istio.io/dry-run"]' },
    ])
  })
})

describe('targetRef and targetRefs', () => {
  test("Istio's valid references parse, each with a warning that it attaches to no workload here", () => {
    const gateway = spec(ap('{action: DENY, targetRef: {group: gateway.networking.k8s.io, kind: Gateway, name: foo}, rules: [{}]}'))
    expect(gateway.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'foo' }])
    const many = spec(ap('{targetRefs: [{group: "", kind: Service, name: httpbin}, {group: core, kind: Service, name: b}, {group: networking.istio.io, kind: ServiceEntry, name: c}, {group: gateway.networking.k8s.io, kind: GatewayClass, name: istio-waypoint}]}'))
    expect(many.targetRefs.map((r) => `${r.group}/${r.kind}/${r.name}`)).toEqual(['/Service/httpbin', '/Service/b', 'networking.istio.io/ServiceEntry/c', 'gateway.networking.k8s.io/GatewayClass/istio-waypoint'])
    expect(findings(ap('{targetRefs: [{kind: Service, name: a}, {kind: Service, name: b}]}'), 'Warning')).toEqual([
      { code: 'MD0104', field: 'spec.targetRefs[0]' },
      { code: 'MD0104', field: 'spec.targetRefs[1]' },
    ])
    const [warning] = parseConfig(ap('{targetRef: {group: gateway.networking.k8s.io, kind: Gateway, name: foo}}'), 'ap.yaml').diagnostics
    expect(warning!.message).toContain('Gateway API Gateway "foo"')
    expect(warning!.message).toContain('applies to no workload here')
  })

  test.each([
    ['targetRef and selector', '{selector: {matchLabels: {app: a}}, targetRef: {kind: Service, name: a}}', 'MD0107', 'spec.targetRef'],
    ['targetRefs and selector', '{selector: {matchLabels: {app: a}}, targetRefs: [{kind: Service, name: a}]}', 'MD0107', 'spec.targetRefs'],
    ['targetRef and targetRefs', '{targetRef: {kind: Service, name: a}, targetRefs: [{kind: Service, name: b}]}', 'MD0107', 'spec.targetRefs'],
    ['no name', '{targetRef: {group: gateway.networking.k8s.io, kind: Gateway}}', 'MD0108', 'spec.targetRef.name'],
    ['no kind', '{targetRefs: [{name: a}]}', 'MD0108', 'spec.targetRefs[0].kind'],
    ['a namespace', '{targetRef: {kind: Service, name: a, namespace: other}}', 'MD0119', 'spec.targetRef.namespace'],
    ['a wrong group', '{targetRef: {group: wrong-group, kind: Gateway, name: a}}', 'MD0106', 'spec.targetRef.group'],
    ['Istio\'s own Gateway', '{targetRef: {group: networking.istio.io, kind: Gateway, name: a}}', 'MD0106', 'spec.targetRef.group'],
    ['a wrong kind', '{targetRefs: [{kind: Service, name: a}, {group: gateway.networking.k8s.io, kind: HTTPRoute, name: a}]}', 'MD0106', 'spec.targetRefs[1].kind'],
    ['a kind the CRD pattern refuses', '{targetRef: {kind: "1Service", name: a}}', 'MD0109', 'spec.targetRef.kind'],
    ['a group the CRD pattern refuses', '{targetRef: {group: Gateway.Networking, kind: Gateway, name: a}}', 'MD0109', 'spec.targetRef.group'],
    ['an unknown field', '{targetRef: {kind: Service, name: a, sectionName: http}}', 'MD0103', 'spec.targetRef.sectionName'],
    ['a null item', '{targetRefs: [null]}', 'MD0108', 'spec.targetRefs[0]'],
    ['more than 16', `{targetRefs: [${Array.from({ length: 17 }, (_, i) => `{kind: Service, name: s${i}}`).join(', ')}]}`, 'MD0106', 'spec.targetRefs'],
  ])('%s → %s at %s', (_what, s, code, field) => {
    expect(findings(ap(s))).toContainEqual({ code, field })
  })
})
