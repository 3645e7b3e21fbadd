import { describe, expect, test } from 'vitest'
import { formatDiagnostic } from '../diagnostics.ts'
import { parseConfig } from '../parse/parse-config.ts'
import { analyzeConfig } from './analyze-config.ts'

function analyze(yaml: string, knownServices?: ReadonlySet<string>): string[] {
  const { resources, diagnostics } = parseConfig(yaml, 'a.yaml')
  expect(diagnostics.filter((d) => d.level === 'Error').map(formatDiagnostic)).toEqual([])
  return analyzeConfig(resources, knownServices === undefined ? {} : { knownServices }).map((d) => `${d.level} ${d.code} ${d.kind}/${d.name} ${d.field}: ${d.message}`)
}

const vs = (name: string, body: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}}
spec:
${body}
---
`
const dr = (name: string, body: string) => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ${name}}
spec:
${body}
---
`

describe('analyzeConfig', () => {
  test('subsets: route and mirror subsets must exist in a DestinationRule for that host (FQDN or short)', () => {
    const out = analyze(
      dr('reviews', '  host: reviews.default.svc.cluster.local\n  subsets: [{name: v1, labels: {version: v1}}]') +
        vs('reviews', `  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v1}
      weight: 90
    - destination: {host: reviews, subset: v2}
      weight: 10
    mirror: {host: reviews, subset: v3}`),
    )
    expect(out).toEqual([
      'Warning IST0101 VirtualService/reviews spec.http[0].route[1].destination.subset: Referenced host+subset in destinationrule not found: "reviews+v2"',
      'Warning IST0101 VirtualService/reviews spec.http[0].mirror.subset: Referenced mirror+subset in destinationrule not found: "reviews+v3"',
    ])
  })

  test('gateways: a missing Gateway is an Error; a Gateway that serves none of the hosts is a warning', () => {
    const out = analyze(`apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: shop}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: [shop.example.com]
---
` + vs('front', `  hosts: [bookinfo.example.com]
  gateways: [shop, nowhere, mesh]
  http:
  - route:
    - destination: {host: productpage}`))
    expect(out).toEqual([
      'Warning IST0132 VirtualService/front spec.gateways[0]: one or more host [bookinfo.example.com] defined in VirtualService default/front not found in Gateway default/shop.',
      'Error IST0101 VirtualService/front spec.gateways[1]: Referenced gateway not found: "nowhere"',
      // as Istio: a Gateway that does not exist serves none of the hosts either
      'Warning IST0132 VirtualService/front spec.gateways[1]: one or more host [bookinfo.example.com] defined in VirtualService default/front not found in Gateway default/nowhere.',
    ])
  })

  test('two mesh VirtualServices for one host conflict (IST0109, an Error as in Istio); gateway-bound ones do not', () => {
    const route = '  http:\n  - route:\n    - destination: {host: reviews}'
    const gateway = 'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: front}\nspec:\n  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]\n---\n'
    const out = analyze(vs('reviews-a', `  hosts: [reviews]\n${route}`) + vs('reviews-b', `  hosts: [reviews.default.svc.cluster.local]\n${route}`) +
      gateway + vs('reviews-c', `  hosts: [reviews]\n  gateways: [front]\n${route}`))
    expect(out).toHaveLength(2)
    expect(out[0]).toBe(
      'Error IST0109 VirtualService/reviews-a spec.hosts: The VirtualServices default/reviews-a,default/reviews-b associated with mesh gateway define the same host reviews.default.svc.cluster.local which can lead to undefined behavior. This can be fixed by merging the conflicting VirtualServices into a single resource.',
    )
  })

  test('two DestinationRules for one host are merged by Istio (MD0201)', () => {
    const out = analyze(dr('a', '  host: reviews\n  subsets: [{name: v1, labels: {version: v1}}]') + dr('b', '  host: reviews.default.svc.cluster.local\n  subsets: [{name: v2, labels: {version: v2}}]'))
    expect(out).toEqual([
      "Warning MD0201 DestinationRule/b spec.host: DestinationRules default/a and default/b both configure host reviews.default.svc.cluster.local; Istio merges them: subsets are combined (a repeated subset name keeps the first definition) and only the oldest rule's top-level trafficPolicy applies",
    ])
  })

  test('two Gateways on the same selector, port and host conflict (IST0145)', () => {
    const gw = (name: string) => `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: ${name}}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 8080, name: http, protocol: HTTP}
    hosts: ["*"]
---
`
    expect(analyze(gw('one') + gw('two'))).toEqual([
      'Error IST0145 Gateway/one spec.servers[0]: Conflict with gateways default/two (workload selector istio=ingressgateway, port 8080, hosts *).',
      'Error IST0145 Gateway/two spec.servers[0]: Conflict with gateways default/one (workload selector istio=ingressgateway, port 8080, hosts *).',
    ])
  })

  test('with knownServices: unknown destination hosts and DestinationRule hosts are reported', () => {
    const known = new Set(['reviews', 'ratings.default', 'details.default.svc.cluster.local'])
    const out = analyze(
      vs('x', '  hosts: [reviews]\n  http:\n  - route:\n    - destination: {host: reveiws}\n    mirror: {host: details}') + dr('y', '  host: ratings') + dr('z', '  host: nope'),
      known,
    )
    expect(out).toEqual([
      'Warning IST0101 VirtualService/x spec.http[0].route[0].destination.host: Referenced host not found: "reveiws"',
      'Warning IST0174 DestinationRule/z spec.host: The host nope defined in the DestinationRule does not match any services in the mesh.',
    ])
  })
})
