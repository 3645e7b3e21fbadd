import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { formatDiagnostic } from '../diagnostics.ts'
import type { DestinationRule, Gateway, IstioResource, VirtualService } from '../types.ts'
import { parseConfig } from './parse-config.ts'

// Istio's own Bookinfo networking files, byte for byte (see SOURCE.md in that folder).
const SAMPLES = process.env.ISTIO_SAMPLES_DIR ?? fileURLToPath(new URL('../../../samples/istio', import.meta.url))
const files = readdirSync(SAMPLES).filter((f) => f.endsWith('.yaml')).sort()

function load(file: string) {
  return parseConfig(readFileSync(join(SAMPLES, file), 'utf8'), file)
}
const only = <T extends IstioResource>(file: string, kind: T['kind'], name?: string): T => {
  const found = load(file).resources.filter((r) => r.kind === kind && (name === undefined || r.meta.name === name))
  expect(found).toHaveLength(1)
  return found[0] as T
}

describe("Istio's Bookinfo samples", () => {
  test('the folder holds all 21 files', () => {
    expect(files).toHaveLength(21)
  })

  test.each(files.filter((f) => f !== 'egress-rule-google-apis.yaml'))('%s parses with no Errors', (file) => {
    const { resources, diagnostics } = load(file)
    expect(diagnostics.filter((d) => d.level === 'Error').map(formatDiagnostic)).toEqual([])
    expect(resources.length).toBeGreaterThan(0)
    for (const r of resources) {
      expect(Object.isFrozen(r)).toBe(true)
      expect(Object.isFrozen(r.spec)).toBe(true)
      expect(Object.isFrozen(r.raw)).toBe(true)
      expect(r.meta.source?.file).toBe(file)
    }
  })

  test('egress-rule-google-apis.yaml is rejected: ServiceEntry is not simulated, and the message lists the supported kinds', () => {
    const { diagnostics } = load('egress-rule-google-apis.yaml')
    const errors = diagnostics.filter((d) => d.level === 'Error')
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ code: 'MD0003', kind: 'ServiceEntry', name: 'googleapis', field: 'kind', source: { document: 1 } })
    expect(errors[0]!.message).toContain('ServiceEntry')
    expect(errors[0]!.message).toContain('supported kinds: VirtualService, DestinationRule, Gateway (networking.istio.io/v1, v1beta1, v1alpha3)')
  })

  test('ratings-test-delay: jason gets a 7 s delay on 100% of requests, everyone else goes to v1', () => {
    const vs = only<VirtualService>('virtual-service-ratings-test-delay.yaml', 'VirtualService')
    expect(vs.spec.hosts).toEqual(['ratings'])
    expect(vs.spec.gateways).toEqual(['mesh'])
    const [jason, rest] = vs.spec.http
    expect(jason!.match[0]!.headers).toEqual([{ name: 'end-user', match: { kind: 'exact', value: 'jason' } }])
    expect(jason!.fault).toEqual({ delay: { fixedDelayMs: 7000, percent: 100 } })
    expect(jason!.route).toEqual([{ destination: { host: 'ratings', subset: 'v1' }, weight: 100 }])
    expect(rest!.match).toEqual([])
    expect(rest!.fault).toBeUndefined()
  })

  test('ratings-test-abort: jason gets HTTP 500 on 100%', () => {
    const vs = only<VirtualService>('virtual-service-ratings-test-abort.yaml', 'VirtualService')
    expect(vs.spec.http[0]!.fault).toEqual({ abort: { httpStatus: 500, percent: 100 } })
  })

  test('reviews-50-v3 splits 50/50 between v1 and v3', () => {
    const vs = only<VirtualService>('virtual-service-reviews-50-v3.yaml', 'VirtualService')
    expect(vs.spec.http[0]!.route).toEqual([
      { destination: { host: 'reviews', subset: 'v1' }, weight: 50 },
      { destination: { host: 'reviews', subset: 'v3' }, weight: 50 },
    ])
  })

  test('reviews-80-20 keeps the written weights', () => {
    const vs = only<VirtualService>('virtual-service-reviews-80-20.yaml', 'VirtualService')
    expect(vs.spec.http[0]!.route.map((d) => [d.destination.subset, d.weight])).toEqual([['v1', 80], ['v2', 20]])
  })

  test('fault-injection-details-v1: a catch-all abort 555 on 100%, and the unreachable second rule is flagged', () => {
    const { resources, diagnostics } = load('fault-injection-details-v1.yaml')
    const vs = resources.find((r): r is VirtualService => r.kind === 'VirtualService')!
    expect(vs.spec.http[0]!.match).toEqual([])
    expect(vs.spec.http[0]!.fault).toEqual({ abort: { httpStatus: 555, percent: 100 } })
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      'Warning [IST0130] (VirtualService details.default) spec.http[1]: VirtualService rule #1 not used (only the last rule can have no matches). (fault-injection-details-v1.yaml, document 1)',
    ])
  })

  test('destination-rule-all defines the version subsets for every service', () => {
    const { resources } = load('destination-rule-all.yaml')
    const subsets = Object.fromEntries(
      (resources as DestinationRule[]).map((dr) => [dr.spec.host, dr.spec.subsets.map((s) => `${s.name}:${s.labels.version}`)]),
    )
    expect(subsets).toEqual({
      productpage: ['v1:v1'],
      reviews: ['v1:v1', 'v2:v2', 'v3:v3'],
      ratings: ['v1:v1', 'v2:v2', 'v2-mysql:v2-mysql', 'v2-mysql-vm:v2-mysql-vm'],
      details: ['v1:v1', 'v2:v2'],
    })
    expect(resources.map((r) => r.meta.source?.document)).toEqual([1, 2, 3, 4]) // the trailing empty document is skipped
  })

  test('destination-rule-all-mtls and destination-rule-reviews carry their traffic policies', () => {
    const mtls = only<DestinationRule>('destination-rule-all-mtls.yaml', 'DestinationRule', 'reviews')
    expect(mtls.spec.trafficPolicy).toEqual({ tls: { mode: 'ISTIO_MUTUAL' }, portLevelSettings: [] })
    const random = only<DestinationRule>('destination-rule-reviews.yaml', 'DestinationRule')
    expect(random.spec.trafficPolicy?.loadBalancer).toEqual({ simple: 'RANDOM' })
  })

  test('bookinfo-gateway: the Gateway and the five ORed match blocks of the bookinfo VirtualService', () => {
    const gw = only<Gateway>('bookinfo-gateway.yaml', 'Gateway')
    expect(gw.spec).toEqual({
      selector: { istio: 'ingressgateway' },
      servers: [{ port: { number: 8080, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }],
    })
    const vs = only<VirtualService>('bookinfo-gateway.yaml', 'VirtualService')
    expect(vs.spec.hosts).toEqual(['*'])
    expect(vs.spec.gateways).toEqual(['bookinfo-gateway'])
    expect(vs.spec.http[0]!.match.map((m) => m.uri)).toEqual([
      { kind: 'exact', value: '/productpage' },
      { kind: 'prefix', value: '/static' },
      { kind: 'exact', value: '/login' },
      { kind: 'exact', value: '/logout' },
      { kind: 'prefix', value: '/api/v1/products' },
    ])
    expect(vs.spec.http[0]!.route).toEqual([{ destination: { host: 'productpage', port: 9080 }, weight: 100 }])
  })

  test('certmanager-gateway keeps its istio-system namespace', () => {
    const { resources } = load('certmanager-gateway.yaml')
    expect(resources.map((r) => `${r.kind}/${r.meta.namespace}/${r.meta.name}`)).toEqual([
      'Gateway/istio-system/cert-manager-gateway',
      'VirtualService/istio-system/cert-manager',
    ])
  })

  test('raw keeps the document as applied, with the namespace filled in', () => {
    const vs = only<VirtualService>('virtual-service-reviews-v3.yaml', 'VirtualService')
    expect(vs.raw).toEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'reviews', namespace: 'default' },
      spec: { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v3' } }] }] },
    })
  })
})
