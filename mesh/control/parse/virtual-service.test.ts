import { describe, expect, test } from 'vitest'
import { parseConfig } from './parse-config.ts'
import type { VirtualService } from '../types.ts'

/** A VirtualService with this spec (flow YAML). */
const vs = (spec: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: r}
spec: ${spec}
`
const findings = (yaml: string, level = 'Error') =>
  parseConfig(yaml, 'vs.yaml')
    .diagnostics.filter((d) => d.level === level)
    .map((d) => ({ code: d.code, field: d.field }))

describe('TCP and TLS routes: not simulated, validated as Istio does', () => {
  test.each([
    ['{hosts: [reviews], tcp: [{route: [{destination: {host: "*"}}]}]}', 'MD0110', 'spec.tcp[0].route[0].destination.host'],
    ['{hosts: [reviews], tcp: [{route: [{destination: {host: "foo.*"}}]}]}', 'MD0110', 'spec.tcp[0].route[0].destination.host'],
    ['{hosts: [reviews], tcp: [{route: [{}]}]}', 'MD0108', 'spec.tcp[0].route[0].destination'],
    ['{hosts: [reviews], tcp: [{route: [{destination: {host: a}, weight: 5}, {destination: {host: b}, weight: -1}]}]}', 'MD0101', 'spec.tcp[0].route[1].weight'],
    ['{hosts: [reviews], tcp: [{route: [{destination: {host: a}, weight: 0}, {destination: {host: b}, weight: 0}]}]}', 'MD0117', 'spec.tcp[0].route'],
    ['{hosts: [foo.bar], tcp: [{match: [{port: 999}]}]}', 'MD0108', 'spec.tcp[0].route'],
    ['{hosts: [foo.bar], tcp: [{match: [{destinationSubnets: [10.0.0.0/33]}], route: [{destination: {host: a}}]}]}', 'MD0106', 'spec.tcp[0].match[0].destinationSubnets[0]'],
    ['{hosts: [foo.bar], tcp: [{match: [{port: 70000}], route: [{destination: {host: a}}]}]}', 'MD0111', 'spec.tcp[0].match[0].port'],
    ['{hosts: [foo.bar], tcp: [{match: [{gateways: ["bad gateway"]}], route: [{destination: {host: a}}]}]}', 'MD0109', 'spec.tcp[0].match[0].gateways[0]'],
    ['{hosts: [foo.bar], tls: [{match: [{port: 999, sniHosts: [foo.bar]}]}]}', 'MD0108', 'spec.tls[0].route'],
    ['{hosts: [foo.bar], tls: [{route: [{destination: {host: a}}]}]}', 'MD0108', 'spec.tls[0].match'],
    ['{hosts: [foo.bar], tls: [{match: [{port: 999}], route: [{destination: {host: a}}]}]}', 'MD0108', 'spec.tls[0].match[0].sniHosts'],
    ['{hosts: [foo.bar], tls: [{match: [{sniHosts: [foo.*.com]}], route: [{destination: {host: a}}]}]}', 'MD0110', 'spec.tls[0].match[0].sniHosts[0]'],
    ['{hosts: [foo.bar], tls: [{match: [{sniHosts: [other.com]}], route: [{destination: {host: a}}]}]}', 'MD0110', 'spec.tls[0].match[0].sniHosts[0]'],
  ])('%s → %s at %s', (spec, code, field) => {
    expect(findings(vs(spec))).toContainEqual({ code, field })
  })

  test.each([
    ['{hosts: [foo.bar], tcp: [{match: [{port: 3306, destinationSubnets: [10.0.0.0/8, 10.1.2.3]}], route: [{destination: {host: mysql, port: {number: 3306}}}]}]}'],
    ['{hosts: ["*.bar.com"], tls: [{match: [{sniHosts: [a.bar.com, "*.x.bar.com"]}], route: [{destination: {host: a}}]}]}'],
    // Envoy's AUTO_PASSTHROUGH SNI names are hosts of a gateway-bound VirtualService with SNI matches
    ['{hosts: [outbound_.15010_._.istiod.istio-system.svc.cluster.local], gateways: [ns1/gateway], tls: [{match: [{sniHosts: [outbound_.15010_._.istiod.istio-system.svc.cluster.local]}], route: [{destination: {host: istio.istio-system.svc.cluster.local}}]}]}'],
  ])('valid: %s', (spec) => {
    expect(findings(vs(spec))).toEqual([])
  })

  test('a TCP-only VirtualService is accepted with a warning that TCP routes are not simulated', () => {
    const yaml = vs('{hosts: [foo.bar], tcp: [{route: [{destination: {host: a}}]}]}')
    expect(findings(yaml)).toEqual([])
    expect(findings(yaml, 'Warning')).toContainEqual({ code: 'MD0104', field: 'spec.tcp' })
  })

  test('outbound_ SNI names are hosts only on gateways, with SNI matches, in the generated format', () => {
    const host = 'outbound_.15010_._.istiod.istio-system.svc.cluster.local'
    const tls = `tls: [{match: [{sniHosts: [${host}]}], route: [{destination: {host: a}}]}]`
    expect(findings(vs(`{hosts: [${host}], ${tls}}`))).toContainEqual({ code: 'MD0110', field: 'spec.hosts[0]' }) // bound to the mesh
    expect(findings(vs(`{hosts: [${host}], gateways: [gw], http: [{route: [{destination: {host: a}}]}]}`))).toContainEqual({ code: 'MD0110', field: 'spec.hosts[0]' })
    expect(findings(vs(`{hosts: [outbound_.x_._.istiod], gateways: [gw], tls: [{match: [{sniHosts: [outbound_.x_._.istiod]}], route: [{destination: {host: a}}]}]}`)))
      .toContainEqual({ code: 'MD0110', field: 'spec.hosts[0]' })
  })

  test('exportTo is checked on VirtualServices too', () => {
    expect(findings(vs('{hosts: [r], exportTo: [".", "."], http: [{route: [{destination: {host: r}}]}]}'))).toContainEqual({ code: 'MD0118', field: 'spec.exportTo[1]' })
    expect(findings(vs('{hosts: [r], exportTo: ["*"], http: [{route: [{destination: {host: r}}]}]}'))).toEqual([])
  })
})

describe('HTTP route fixes', () => {
  const route = (extra: string) => vs(`{hosts: [reviews], http: [{route: [{destination: {host: foo.bar}}], ${extra}}]}`)

  test.each([
    ['mirrorPercent: 101', 'MD0113', 'spec.http[0].mirrorPercent'],
    ['mirrorPercentage: {value: 101}', 'MD0113', 'spec.http[0].mirrorPercentage.value'],
    ['mirrorPercentage: {value: -1}', 'MD0113', 'spec.http[0].mirrorPercentage.value'],
    ['mirrors: [{destination: {host: m}, percentage: {value: 100.5}}]', 'MD0113', 'spec.http[0].mirrors[0].percentage.value'],
    ['fault: {abort: {httpStatus: 601, percentage: {value: 1}}}', 'MD0115', 'spec.http[0].fault.abort.httpStatus'],
    ['headers: {request: {set: {x-cert: "%DOWNSTREAM_PEER_CERT_V_END(%b %d"}}}', 'MD0120', 'spec.http[0].headers.request.set.x-cert'],
    ['headers: {request: {set: {x-start: "%START_TIME%%"}}}', 'MD0120', 'spec.http[0].headers.request.set.x-start'],
    ['headers: {request: {set: {x-a: "abc%123"}}}', 'MD0120', 'spec.http[0].headers.request.set.x-a'],
    ['headers: {request: {set: {x-a: "%VAR([\\"a\\" x])%"}}}', 'MD0120', 'spec.http[0].headers.request.set.x-a'],
  ])('%s → %s at %s', (extra, code, field) => {
    expect(findings(route(extra))).toContainEqual({ code, field })
  })

  test.each([
    ['mirrorPercentage: {value: 0.00005}'], // Istio checks only 0..100 for mirrors, not the 0.0001 step
    ['headers: {response: {set: {x-cert: "%DOWNSTREAM_PEER_CERT_V_END(%b %d %H:%M:%S %Y %Z)%"}}}'],
    ['headers: {request: {add: {x-meta: "%DYNAMIC_METADATA(com.test.my_filter)%", x-pct: "100%%", x-host: "a %HOSTNAME% b"}}}'],
    ['headers: {request: {set: {x-json: "%REQ([\\"x-a\\", \\"x-b\\"])%"}}}'],
    ['match: [{sourceNamespace: Team-A}]'], // Istio's IsDNS1123Label allows upper case
  ])('valid: %s', (extra) => {
    expect(findings(route(extra))).toEqual([])
  })

  test('abort and direct-response status 600 pass, as in Istio, with a warning that Envoy rejects it', () => {
    for (const extra of ['fault: {abort: {httpStatus: 600, percentage: {value: 1}}}']) {
      expect(findings(route(extra))).toEqual([])
      expect(findings(route(extra), 'Warning')).toContainEqual({ code: 'MD0121', field: 'spec.http[0].fault.abort.httpStatus' })
    }
    const direct = vs('{hosts: [reviews], http: [{directResponse: {status: 600}}]}')
    expect(findings(direct)).toEqual([])
    expect(findings(direct, 'Warning')).toContainEqual({ code: 'MD0121', field: 'spec.http[0].directResponse.status' })
  })
})

describe('fault abort without an error type', () => {
  test('is accepted with a warning and ignored, as Istio does', () => {
    const yaml = vs('{hosts: [r], http: [{fault: {abort: {percentage: {value: 50}}}, route: [{destination: {host: r}}]}]}')
    const { diagnostics, resources } = parseConfig(yaml, 'vs.yaml')
    expect(diagnostics.filter((d) => d.level === 'Error')).toEqual([])
    expect(diagnostics).toContainEqual(expect.objectContaining({ level: 'Warning', code: 'MD0121', field: 'spec.http[0].fault.abort' }))
    expect((resources[0] as VirtualService).spec.http[0]!.fault).toBeUndefined()
  })
})

describe('JWT claim based routing', () => {
  const claims = (gateways: string) => vs(`{hosts: [foo.com], ${gateways} http: [{match: [{headers: {"@request.auth.claims.group": {exact: admin}}}], route: [{destination: {host: r}}]}]}`)
  const field = 'spec.http[0].match[0].headers["@request.auth.claims.group"]'

  test('on a gateway: valid, not simulated (no request carries claims here)', () => {
    expect(findings(claims('gateways: [foo-gateway],'))).toEqual([])
    expect(findings(claims('gateways: [foo-gateway],'), 'Warning')).toContainEqual({ code: 'MD0104', field })
  })

  test('bound to the mesh: rejected, as Istio only routes on claims at gateways', () => {
    expect(findings(claims(''))).toContainEqual({ code: 'MD0107', field })
    expect(findings(claims('gateways: [foo-gateway, mesh],'))).toContainEqual({ code: 'MD0107', field })
  })

  test('a bare @request.auth.claims is not a claim route, nor a header name', () => {
    expect(findings(vs('{hosts: [foo.com], gateways: [gw], http: [{match: [{headers: {"@request.auth.claims": {exact: a}}}], route: [{destination: {host: r}}]}]}')))
      .toContainEqual({ code: 'MD0109', field: 'spec.http[0].match[0].headers["@request.auth.claims"]' })
  })
})

describe('delegation: Istio\'s rules for root and delegate VirtualServices', () => {
  /** A VirtualService in namespace `ns` (flow YAML). */
  const inNs = (ns: string, spec: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: r, namespace: ${ns}}
spec: ${spec}
`
  const parsed = (yaml: string) => parseConfig(yaml, 'vs.yaml').resources[0] as VirtualService
  const root = (extra: string) => vs(`{hosts: [reviews], http: [{delegate: {name: d, namespace: ns2}${extra}}]}`)

  test.each([
    ['no hosts', '{http: [{route: [{destination: {host: foo.baz}}]}]}'],
    ['empty hosts', '{hosts: [], http: [{route: [{destination: {host: foo.baz}}]}]}'],
    ['a delegate with matches and policies', '{http: [{match: [{headers: {end-user: {exact: jason}}}], timeout: 2s, route: [{destination: {host: reviews, subset: v2}}]}, {route: [{destination: {host: reviews}}]}]}'],
    ['a root route with only a delegate', '{hosts: [reviews], http: [{delegate: {name: test, namespace: test}}]}'],
    ['a root route without namespace', '{hosts: [reviews], http: [{delegate: {name: test}}]}'],
    // Istio's root-route check refuses only route and redirect; the rest is inherited by the delegate's routes
    ['a root route with fault, timeout, headers and directResponse', '{hosts: [reviews], http: [{delegate: {name: d}, timeout: 1s, fault: {abort: {httpStatus: 500, percentage: {value: 1}}}, headers: {request: {set: {x-a: b}}}, directResponse: {status: 418}}]}'],
    ['a root with a header match', '{hosts: [reviews], http: [{delegate: {name: d}, match: [{headers: {header: {prefix: test}}}]}]}'],
    ['a root on a gateway', '{hosts: ["*"], gateways: [bookinfo-gateway], http: [{match: [{uri: {prefix: /productpage}}], delegate: {name: productpage, namespace: nsA}}]}'],
  ])('valid: %s', (_what, spec) => {
    expect(findings(vs(spec))).toEqual([])
  })

  test.each([
    ['a delegate with gateways', '{gateways: [gw], http: [{route: [{destination: {host: a}}]}]}', 'MD0107', 'spec.gateways'],
    ['a delegate with TCP routes', '{tcp: [{route: [{destination: {host: a}}]}]}', 'MD0119', 'spec.tcp'],
    ['a delegate without routes', '{}', 'MD0108', 'spec.http'],
    ['a delegate route without a route', '{http: [{timeout: 1s}]}', 'MD0108', 'spec.http[0]'],
    ['JWT claim routes in a delegate (bound to no gateway: the mesh)', '{http: [{match: [{headers: {"@request.auth.claims.group": {exact: a}}}], route: [{destination: {host: a}}]}]}', 'MD0107', 'spec.http[0].match[0].headers["@request.auth.claims.group"]'],
  ])('invalid: %s → %s at %s, and nothing else', (_what, spec, code, field) => {
    expect(findings(vs(spec))).toEqual([{ code, field }])
  })

  test('a delegate that delegates again: one level only, and (as Istio says too) it has no route either', () => {
    expect(findings(vs('{http: [{delegate: {name: other}}]}'))).toEqual([{ code: 'MD0119', field: 'spec.http[0].delegate' }, { code: 'MD0108', field: 'spec.http[0]' }])
  })

  test('a delegate with TLS routes (whose SNI hosts then match no host of it either)', () => {
    expect(findings(vs('{tls: [{match: [{sniHosts: [a.com]}], route: [{destination: {host: a}}]}]}'))).toContainEqual({ code: 'MD0119', field: 'spec.tls' })
  })

  test.each([
    ['route', ', route: [{destination: {host: foo.baz}}]', 'MD0107', 'spec.http[0]'],
    ['redirect', ', redirect: {uri: /lerp, authority: foo.biz}', 'MD0107', 'spec.http[0]'],
    ['a null header match', ', match: [{headers: {header: null}}]', 'MD0108', 'spec.http[0].match[0].headers.header'],
    ['an empty header prefix', ', match: [{headers: {header: {prefix: ""}}}]', 'MD0108', 'spec.http[0].match[0].headers.header.prefix'],
    ['a misspelt delegate field', ', delegate: {name: d, nmespace: x}', 'MD0103', 'spec.http[0].delegate.nmespace'],
  ])('a root route with %s → %s at %s, and nothing else', (_what, extra, code, field) => {
    const yaml = extra.includes('delegate:') ? vs(`{hosts: [reviews], http: [{${extra.slice(2)}}]}`) : root(extra)
    expect(findings(yaml)).toEqual([{ code, field }])
  })

  test('the parsed root route names its delegate and has no destinations', () => {
    const spec = parsed(root(', match: [{uri: {prefix: /reviews}}]')).spec
    expect(spec.http[0]).toMatchObject({ delegate: { name: 'd', namespace: 'ns2' }, route: [] })
    expect(parsed(vs('{hosts: [reviews], http: [{delegate: {name: d}}]}')).spec.http[0]!.delegate).toEqual({ name: 'd' })
  })

  test('a delegate without a name is valid, as in Istio, with a warning that it finds nothing', () => {
    const yaml = vs('{hosts: [reviews], http: [{delegate: {}}]}')
    expect(findings(yaml)).toEqual([])
    expect(findings(yaml, 'Warning')).toContainEqual({ code: 'MD0121', field: 'spec.http[0].delegate.name' })
  })

  test('a delegate\'s exportTo is kept, with "." as its namespace, and not called unsimulated', () => {
    const yaml = inNs('team-a', '{exportTo: [".", istio-system], http: [{route: [{destination: {host: a}}]}]}')
    expect(parsed(yaml).spec).toMatchObject({ hosts: [], exportTo: ['team-a', 'istio-system'] })
    expect(findings(yaml, 'Warning')).toEqual([])
    expect(parsed(inNs('team-a', '{http: [{route: [{destination: {host: a}}]}]}')).spec.exportTo).toBeUndefined()
    // A VirtualService with hosts: exportTo still does nothing here
    expect(findings(inNs('team-a', '{hosts: [a], exportTo: ["."], http: [{route: [{destination: {host: a}}]}]}'), 'Warning')).toContainEqual({ code: 'MD0104', field: 'spec.exportTo' })
  })
})
