import { describe, expect, test } from 'vitest'
import { parseConfig } from './parse-config.ts'

const errors = (yaml: string) =>
  parseConfig(yaml, 'f.yaml')
    .diagnostics.filter((d) => d.level === 'Error')
    .map((d) => ({ code: d.code, field: d.field }))

/** `[~]`: a list item that is null, which Istio's webhook rejects ("… may not be null"). */
describe('null list items are errors, not silently skipped', () => {
  test.each([
    ['networking.istio.io/v1', 'Gateway', '{servers: [~]}', 'spec.servers[0]'],
    ['networking.istio.io/v1', 'VirtualService', '{hosts: [r], http: [{route: [{destination: {host: r}}], mirrors: [~]}]}', 'spec.http[0].mirrors[0]'],
    ['networking.istio.io/v1', 'DestinationRule', '{host: r, trafficPolicy: {portLevelSettings: [~]}}', 'spec.trafficPolicy.portLevelSettings[0]'],
    ['networking.istio.io/v1', 'DestinationRule', '{host: r, trafficPolicy: {loadBalancer: {consistentHash: {httpCookie: {name: c, attributes: [~]}}}}}', 'spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.attributes[0].name'],
    ['security.istio.io/v1', 'AuthorizationPolicy', '{rules: [{when: [~]}]}', 'spec.rules[0].when[0].key'],
  ])('%s %s %s → MD0108 at %s', (api, kind, spec, field) => {
    expect(errors(`apiVersion: ${api}\nkind: ${kind}\nmetadata: {name: x}\nspec: ${spec}\n`)).toContainEqual({ code: 'MD0108', field })
  })

  test('IP addresses are VirtualService hosts, but not destination or DestinationRule hosts (as in Istio)', () => {
    const vs = (host: string, dest: string) => `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: x}\nspec: {hosts: ["${host}"], http: [{route: [{destination: {host: "${dest}"}}]}]}\n`
    expect(errors(vs('10.0.0.1', 'reviews'))).toEqual([])
    expect(errors(vs('reviews', '10.0.0.1'))).toContainEqual({ code: 'MD0110', field: 'spec.http[0].route[0].destination.host' })
    expect(errors('apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: x}\nspec: {host: "10.0.0.1"}\n')).toContainEqual({ code: 'MD0110', field: 'spec.host' })
  })
})
