/**
 * Validation stays linear on hostile input (duplicates are reported once per value, with the count; every
 * document's diagnostics are capped), field names that happen to be Object.prototype members are unknown
 * fields, and a wrong apiVersion is reported on apiVersion.
 */
import { describe, expect, test } from 'vitest'
import { hostsOverlap } from '../hosts.ts'
import type { Diagnostic } from '../types.ts'
import { CONFIG_LIMITS } from './documents.ts'
import { suggest } from './fields.ts'
import { parseConfig } from './parse-config.ts'

const doc = (kind: string, spec: string, apiVersion = 'networking.istio.io/v1', name = 'x') =>
  `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: ${name}\nspec:\n${spec}\n`
const vs = (spec: string, apiVersion?: string) => doc('VirtualService', spec, apiVersion)
const ROUTE = '  http:\n  - route:\n    - destination:\n        host: ratings\n'
const errorsOf = (text: string): Diagnostic[] => parseConfig(text, 'f.yaml').diagnostics.filter((d) => d.level === 'Error')
function quickly<T>(ms: number, fn: () => T): T {
  const started = performance.now()
  const out = fn()
  expect(performance.now() - started).toBeLessThan(ms)
  return out
}
const hostList = (hosts: readonly string[]) => `  hosts:\n${hosts.map((h) => `  - "${h}"`).join('\n')}\n`

describe('duplicate hosts', () => {
  test('5,000 copies of one host: one MD0118 at spec.hosts[1] with the count, fast', () => {
    const errors = quickly(1_000, () => errorsOf(vs(hostList(Array(5000).fill('ratings')) + ROUTE)))
    expect(errors).toEqual([expect.objectContaining({ code: 'MD0118', field: 'spec.hosts[1]', message: expect.stringContaining('5000 times') })])
  })

  test('overlapping wildcards are reported on the same entries as a pairwise check would, once each', () => {
    const hosts = ['*.example.com', 'a.example.com', 'reviews', '*.com', 'REVIEWS', '*', 'b.org', '*foo.org', 'xfoo.org', '*.b.example.com', 'b.org']
    const pairwise = new Set<string>()
    for (let j = 0; j < hosts.length; j++) for (let i = 0; i < j; i++) if (hostsOverlap(hosts[i]!, hosts[j]!)) pairwise.add(`spec.hosts[${j}]`)
    const errors = errorsOf(doc('VirtualService', hostList(hosts) + '  gateways: [gw]\n' + ROUTE))
    expect(errors.every((e) => e.code === 'MD0118')).toBe(true)
    expect(new Set(errors.map((e) => e.field))).toEqual(pairwise)
    expect(errors).toHaveLength(pairwise.size)
    expect(errors.find((e) => e.field === 'spec.hosts[1]')!.message).toBe('duplicate hosts in virtual service: *.example.com & a.example.com')
  })

  test('5,000 distinct hosts and 500 wildcards under one wildcard: linear, capped', () => {
    const hosts = ['*.example.com', ...Array.from({ length: 5000 }, (_, i) => `h${i}.example.com`), ...Array.from({ length: 500 }, (_, i) => `*.w${i}.example.com`)]
    const errors = quickly(1_000, () => errorsOf(doc('VirtualService', hostList(hosts) + '  gateways: [gw]\n' + ROUTE)))
    expect(errors).toHaveLength(CONFIG_LIMITS.maxDiagnosticsPerDocument + 1)
    expect(errors.at(-1)).toMatchObject({ code: 'MD0012' })
  })

  test('duplicate subset names and server port names: once per value, with the count', () => {
    const subsets = Array.from({ length: 3000 }, () => '  - name: v1\n    labels: {version: v1}').join('\n')
    expect(quickly(1_000, () => errorsOf(doc('DestinationRule', `  host: reviews\n  subsets:\n${subsets}`)))).toEqual([
      expect.objectContaining({ code: 'MD0118', field: 'spec.subsets[1].name', message: expect.stringContaining('3000 times') }),
    ])
    const servers = Array.from({ length: 3 }, (_, i) => `  - port: {number: ${8080 + i}, name: http, protocol: HTTP}\n    hosts: ["*"]`).join('\n')
    expect(errorsOf(doc('Gateway', `  selector: {istio: ingressgateway}\n  servers:\n${servers}`))).toEqual([
      expect.objectContaining({ code: 'MD0118', field: 'spec.servers[1].port.name', message: expect.stringContaining('3 times') }),
    ])
  })
})

describe('diagnostics are capped per document', () => {
  test(`${CONFIG_LIMITS.maxDiagnosticsPerDocument} are kept, then one summary counts the rest; the document is still rejected`, () => {
    const routes = Array.from({ length: 1000 }, () => '  - route: [{destination: {host: ratings}, weight: fifty}]').join('\n')
    const { diagnostics, resources } = quickly(2_000, () => parseConfig(vs(`  hosts: [ratings]\n  http:\n${routes}`), 'f.yaml'))
    expect(resources).toEqual([])
    expect(diagnostics).toHaveLength(CONFIG_LIMITS.maxDiagnosticsPerDocument + 1)
    const summary = diagnostics.at(-1)!
    expect(summary).toMatchObject({ level: 'Error', code: 'MD0012', kind: 'VirtualService', name: 'x' })
    expect(summary.message).toMatch(/^\d+ more problems in this document not shown \(\d+ errors?(, \d+ warnings?)?(, \d+ infos?)?\)$/)
  })
})

describe('field names that are Object.prototype members are unknown fields', () => {
  const where = (key: string): Record<string, string> => ({
    spec: vs(`  ${key}: 1\n  hosts: [ratings]\n${ROUTE}`),
    'spec.http[0]': vs(`  hosts: [ratings]\n  http:\n  - ${key}: 1\n    route: [{destination: {host: ratings}}]`),
    'spec.http[0].route[0].destination': vs(`  hosts: [ratings]\n  http:\n  - route: [{destination: {host: ratings, ${key}: 1}}]`),
    metadata: `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: x, ${key}: 1}\nspec:\n  hosts: [ratings]\n${ROUTE}`,
  })
  test.each([
    ['constructor', 'spec'],
    ['toString', 'spec'],
    ['hasOwnProperty', 'spec'],
    ['valueOf', 'spec'],
    ['isPrototypeOf', 'spec.http[0]'],
    ['constructor', 'spec.http[0].route[0].destination'],
    ['toString', 'metadata'],
  ])('%s under %s', (key, at) => {
    expect(errorsOf(where(key)[at]!)).toEqual([
      expect.objectContaining({ code: 'MD0103', field: `${at}.${key}`, message: expect.stringMatching(new RegExp(`^unknown field "${key}"`)) }),
    ])
  })

  test('in a DestinationRule traffic policy and a Gateway server too', () => {
    expect(errorsOf(doc('DestinationRule', '  host: reviews\n  trafficPolicy: {constructor: 1}'))).toContainEqual(
      expect.objectContaining({ code: 'MD0103', field: 'spec.trafficPolicy.constructor' }),
    )
    expect(errorsOf(doc('Gateway', '  selector: {istio: ingressgateway}\n  servers:\n  - port: {number: 80, name: http, protocol: HTTP}\n    hosts: ["*"]\n    toString: 1'))).toEqual([
      expect.objectContaining({ code: 'MD0103', field: 'spec.servers[0].toString' }),
    ])
  })
})

describe('a wrong apiVersion is reported on apiVersion, with the versions accepted', () => {
  test.each([
    ['VirtualService', 'networking.istio.io/v9', 'networking.istio.io/v1'],
    ['VirtualService', 'networking.istio.io', 'networking.istio.io/v1'],
    ['VirtualService', 'networking.istio.io/', 'networking.istio.io/v1'],
    ['VirtualService', 'security.istio.io/v1', 'networking.istio.io/v1'],
    ['VirtualService', 'v1', 'networking.istio.io/v1'],
    ['VirtualService', 'networking.istio.io/v1/extra', 'networking.istio.io/v1'],
    ['VirtualService', 'Networking.Istio.io/v1', 'networking.istio.io/v1'],
    ['VirtualService', '7', 'networking.istio.io/v1'],
    ['VirtualService', '[networking.istio.io/v1]', 'networking.istio.io/v1'],
    ['PeerAuthentication', 'networking.istio.io/v1', 'security.istio.io/v1'],
    ['LocalRateLimit', 'networking.istio.io/v1', 'meshdojo.dev/v1alpha1'],
  ])('%s with %s', (kind, apiVersion, accepted) => {
    const errors = errorsOf(doc(kind, '  {}', apiVersion))
    expect(errors).toEqual([expect.objectContaining({ code: 'MD0004', field: 'apiVersion', kind, message: expect.stringContaining(accepted) })])
  })

  test('a missing apiVersion is still MD0004; an unknown kind is still MD0003 on kind', () => {
    expect(errorsOf('kind: VirtualService\nmetadata: {name: x}\n')).toEqual([expect.objectContaining({ code: 'MD0004', field: 'apiVersion' })])
    expect(errorsOf('apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: x}\n')).toEqual([expect.objectContaining({ code: 'MD0003', field: 'kind' })])
  })
})

describe('metadata', () => {
  test('labels and annotations are maps of strings; label keys and values follow Kubernetes', () => {
    const meta = (m: string) => `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: x, ${m}}\nspec: {host: reviews}\n`
    expect(errorsOf(meta('labels: [a], annotations: {a: {b: c}}')).map((d) => [d.code, d.field])).toEqual([['MD0102', 'metadata.labels'], ['MD0102', 'metadata.annotations.a']])
    expect(errorsOf(meta('labels: {"a b": x}')).map((d) => [d.code, d.field])).toEqual([['MD0109', 'metadata.labels["a b"]']])
    expect(errorsOf(meta('labels: {app: reviews}, annotations: {note: "any text"}'))).toEqual([])
  })
})

describe('no quadratic work in the field readers', () => {
  test('"did you mean" on a very long unknown key is fast', () => {
    const key = 'q'.repeat(CONFIG_LIMITS.maxKeyChars)
    quickly(50, () => expect(suggest(key, ['hosts', 'gateways', 'http', 'tcp', 'tls', 'exportTo'])).toBeUndefined())
  })

  test('many unknown long keys in one document are fast', () => {
    const keys = Array.from({ length: 800 }, (_, i) => `  ${'k'.repeat(1000)}${i}: 1`).join('\n')
    quickly(1_000, () => errorsOf(vs(`${keys}\n  hosts: [ratings]\n${ROUTE}`)))
  })

  test('5,000 routes after a catch-all: warnings capped, fast', () => {
    const routes = Array.from({ length: 5000 }, () => '  - route: [{destination: {host: ratings}}]').join('\n')
    const { diagnostics } = quickly(2_000, () => parseConfig(vs(`  hosts: [ratings]\n  http:\n${routes}`), 'f.yaml'))
    expect(diagnostics).toHaveLength(CONFIG_LIMITS.maxDiagnosticsPerDocument + 1)
    expect(diagnostics.at(-1)).toMatchObject({ level: 'Warning', code: 'MD0012' })
  })
})
