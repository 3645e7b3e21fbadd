import { describe, expect, test } from 'vitest'
import { stringify } from 'yaml'
import { formatDiagnostic } from '../diagnostics.ts'
import type { DestinationRule, Gateway, HTTPRoute, VirtualService } from '../types.ts'
import { parseConfig } from './parse-config.ts'
import { MESH_DEFAULT_RETRY } from './retries.ts'

/** Parses one http route of a `reviews` VirtualService; returns it with the diagnostics' text. */
function route(http: Record<string, unknown>, spec: Record<string, unknown> = {}): { route: HTTPRoute; notes: string[] } {
  const doc = { apiVersion: 'networking.istio.io/v1alpha3', kind: 'VirtualService', metadata: { name: 'reviews' }, spec: { hosts: ['reviews'], http: [http], ...spec } }
  const { resources, diagnostics } = parseConfig(stringify(doc), 't.yaml')
  expect(diagnostics.filter((d) => d.level === 'Error').map(formatDiagnostic)).toEqual([])
  return { route: (resources[0] as VirtualService).spec.http[0]!, notes: diagnostics.map((d) => `${d.code} ${d.field}: ${d.message}`) }
}
const to = (subset: string, weight?: number) => ({ destination: { host: 'reviews', subset }, ...(weight === undefined ? {} : { weight }) })

describe('weights', () => {
  test('a single destination gets 100 whatever it says', () => {
    expect(route({ route: [to('v1', 30)] }).route.route[0]!.weight).toBe(100)
  })

  test('weight-0 destinations are dropped', () => {
    expect(route({ route: [to('v1', 100), to('v2', 0)] }).route.route.map((d) => d.destination.subset)).toEqual(['v1'])
  })

  test('a missing weight among several counts as 0 (Istio), with a warning', () => {
    const { route: r, notes } = route({ route: [to('v1', 80), to('v2')] })
    expect(r.route.map((d) => [d.destination.subset, d.weight])).toEqual([['v1', 80]])
    expect(notes).toEqual(['MD0121 spec.http[0].route[1].weight: is missing, so this destination gets no traffic (with several destinations a missing weight counts as 0)'])
  })
})

describe('fault percentages', () => {
  test('no percentage and no percent: 0%, never fires, and says so', () => {
    const { route: r, notes } = route({ route: [to('v1')], fault: { delay: { fixedDelay: '2s' } } })
    expect(r.fault).toEqual({ delay: { fixedDelayMs: 2000, percent: 0 } })
    expect(notes[0]).toContain("Istio's default is 0%: it never fires")
  })

  test('the deprecated integer percent is used only when percentage is absent', () => {
    expect(route({ route: [to('v1')], fault: { delay: { fixedDelay: '2s', percent: 100 } } }).route.fault?.delay?.percent).toBe(100)
    const both = route({ route: [to('v1')], fault: { delay: { fixedDelay: '2s', percent: 100, percentage: { value: 12.5 } } } })
    expect(both.route.fault?.delay?.percent).toBe(12.5)
    expect(both.notes[0]).toContain('ignored because percentage is set')
  })

  test('gRPC abort and fractional percentages', () => {
    expect(route({ route: [to('v1')], fault: { abort: { grpcStatus: 'UNAVAILABLE', percentage: { value: 0.5 } } } }).route.fault).toEqual({
      abort: { grpcStatus: 'UNAVAILABLE', grpcCode: 14, percent: 0.5 },
    })
  })
})

describe('retries', () => {
  test('bare status codes add retriable-status-codes; defaults for backoff and previous hosts', () => {
    const r = route({ route: [to('v1')], retries: { attempts: 3, perTryTimeout: '2s', retryOn: 'gateway-error,503' } }).route.retries!
    expect(r.attempts).toBe(3)
    expect(r.perTryTimeoutMs).toBe(2000)
    expect([...r.retryOn]).toEqual(['gateway-error', 'retriable-status-codes'])
    expect([...r.retriableStatusCodes]).toEqual([503])
    expect(r.retryIgnorePreviousHosts).toBe(true)
    expect(r.backoffMs).toBe(25)
    expect(() => (r.retryOn as Set<string>).add('5xx')).toThrow(TypeError)
  })

  test("without retryOn, Istio's default conditions apply", () => {
    const r = route({ route: [to('v1')], retries: { attempts: 5, backoff: '100ms', retryIgnorePreviousHosts: false } }).route.retries!
    expect([...r.retryOn]).toEqual(['connect-failure', 'refused-stream', 'unavailable', 'cancelled', 'retriable-status-codes'])
    expect(r.backoffMs).toBe(100)
    expect(r.retryIgnorePreviousHosts).toBe(false)
  })

  test('attempts 0 disables retries; no retries block means the mesh default', () => {
    expect(route({ route: [to('v1')], retries: { attempts: 0 } }).route.retries?.attempts).toBe(0)
    expect(route({ route: [to('v1')] }).route.retries).toBeUndefined()
    expect(MESH_DEFAULT_RETRY.attempts).toBe(2)
    expect([...MESH_DEFAULT_RETRY.retriableStatusCodes]).toEqual([])
  })
})

describe('mirrors', () => {
  test('mirror without mirrorPercentage mirrors 100%', () => {
    expect(route({ route: [to('v1')], mirror: { host: 'reviews', subset: 'v2' } }).route.mirrors).toEqual([
      { destination: { host: 'reviews', subset: 'v2' }, percent: 100 },
    ])
  })

  test('an explicit 0 means no mirroring; mirrors[] are normalised the same way', () => {
    expect(route({ route: [to('v1')], mirror: { host: 'reviews', subset: 'v2' }, mirrorPercentage: { value: 0 } }).route.mirrors).toEqual([])
    expect(route({ route: [to('v1')], mirrors: [{ destination: { host: 'a' } }, { destination: { host: 'b' }, percentage: { value: 25 } }] }).route.mirrors).toEqual([
      { destination: { host: 'a' }, percent: 100 },
      { destination: { host: 'b' }, percent: 25 },
    ])
  })

  test('the deprecated mirrorPercent still works, with a warning', () => {
    const { route: r, notes } = route({ route: [to('v1')], mirror: { host: 'reviews', subset: 'v2' }, mirrorPercent: 40 })
    expect(r.mirrors[0]!.percent).toBe(40)
    expect(notes[0]).toContain('MD0105 spec.http[0].mirrorPercent')
  })
})

describe('matches', () => {
  test('header names are lower-cased; {} and regex "*" mean present; exact "" on a query param', () => {
    const m = route({
      match: [{ headers: { 'End-User': { exact: 'jason' }, 'x-canary': {}, 'x-any': { regex: '*' } }, withoutHeaders: { 'x-skip': {} }, queryParams: { debug: { exact: '' } }, ignoreUriCase: true, uri: { prefix: '/API' }, method: { exact: 'GET' }, port: 9080, sourceLabels: { app: 'productpage' } }],
      route: [to('v1')],
    }).route.match[0]!
    expect(m.headers).toEqual([
      { name: 'end-user', match: { kind: 'exact', value: 'jason' } },
      { name: 'x-canary', match: { kind: 'present' } },
      { name: 'x-any', match: { kind: 'present' } },
    ])
    expect(m.withoutHeaders).toEqual([{ name: 'x-skip', match: { kind: 'present' } }])
    expect(m.queryParams).toEqual([{ name: 'debug', match: { kind: 'exact', value: '' } }])
    expect(m).toMatchObject({ ignoreUriCase: true, uri: { kind: 'prefix', value: '/API' }, method: { kind: 'exact', value: 'GET' }, port: 9080, sourceLabels: { app: 'productpage' } })
  })

  test('regex matches are anchored', () => {
    const m = route({ match: [{ uri: { regex: '/reviews/[0-9]+' } }], route: [to('v1')] }).route.match[0]!
    expect(m.uri?.kind === 'regex' && m.uri.regex.matches('/reviews/0')).toBe(true)
    expect(m.uri?.kind === 'regex' && m.uri.regex.matches('/reviews/0/x')).toBe(false)
  })

  test('gateways absent means mesh; a gateway-bound VirtualService may use host "*"', () => {
    const doc = { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'gw' }, spec: { hosts: ['*'], gateways: ['istio-system/bookinfo-gateway'], http: [{ route: [to('v1')] }] } }
    const vs = parseConfig(stringify(doc), 't.yaml').resources[0] as VirtualService
    expect(vs.spec.gateways).toEqual(['istio-system/bookinfo-gateway'])
  })
})

describe('route actions and policies', () => {
  test('redirect defaults to 301; directResponse body; rewrite; headers; timeout; cors', () => {
    expect(route({ redirect: { uri: '/v2', authority: 'b.com' } }).route.redirect).toEqual({ uri: '/v2', authority: 'b.com', redirectCode: 301 })
    expect(route({ directResponse: { status: 503, body: { string: 'down' } } }).route.directResponse).toEqual({ status: 503, body: 'down' })
    expect(route({ directResponse: { status: 200, body: { bytes: Buffer.from('hi').toString('base64') } } }).route.directResponse?.body).toBe('hi')
    const r = route({
      route: [{ ...to('v1'), headers: { response: { add: { 'X-From': 'v1' } } } }],
      rewrite: { uri: '/v1/' },
      timeout: '0.5s',
      headers: { request: { set: { 'X-Mesh': 'dojo' }, remove: ['Cookie'] } },
      corsPolicy: { allowOrigins: [{ prefix: 'https://' }], allowMethods: ['GET'], allowCredentials: true, maxAge: '1m' },
    }).route
    expect(r.route[0]!.headers).toEqual({ response: { set: {}, add: { 'x-from': 'v1' }, remove: [] } })
    expect(r.rewrite).toEqual({ uri: '/v1/' })
    expect(r.timeoutMs).toBe(500)
    expect(r.headers).toEqual({ request: { set: { 'x-mesh': 'dojo' }, add: {}, remove: ['cookie'] } })
    expect(r.corsPolicy).toEqual({ allowOrigins: [{ kind: 'prefix', value: 'https://' }], allowMethods: ['GET'], allowHeaders: [], exposeHeaders: [], maxAgeSeconds: 60, allowCredentials: true })
  })
})

describe('DestinationRule and Gateway', () => {
  const parseOne = (doc: unknown) => {
    const { resources, diagnostics } = parseConfig(stringify(doc), 't.yaml')
    return { resource: resources[0], notes: diagnostics.map(formatDiagnostic) }
  }

  test("the circuit-breaking task's DestinationRule", () => {
    const { resource, notes } = parseOne({
      apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'httpbin' },
      spec: { host: 'httpbin', trafficPolicy: {
        connectionPool: { tcp: { maxConnections: 1 }, http: { http1MaxPendingRequests: 1, maxRequestsPerConnection: 1 } },
        outlierDetection: { consecutive5xxErrors: 1, interval: '1s', baseEjectionTime: '3m', maxEjectionPercent: 100 },
      } },
    })
    expect(notes).toEqual([])
    expect((resource as DestinationRule).spec.trafficPolicy).toEqual({
      connectionPool: { tcp: { maxConnections: 1 }, http: { http1MaxPendingRequests: 1, maxRequestsPerConnection: 1 } },
      outlierDetection: { consecutive5xxErrors: 1, intervalMs: 1000, baseEjectionTimeMs: 180_000, maxEjectionPercent: 100 },
      portLevelSettings: [],
    })
  })

  test('LEAST_CONN means LEAST_REQUEST; consistent hash keys; port-level settings; 0 limits are unset', () => {
    const { resource, notes } = parseOne({
      apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'r' },
      spec: { host: 'reviews', trafficPolicy: {
        loadBalancer: { consistentHash: { httpHeaderName: 'X-User', ringHash: { minimumRingSize: 1024 } } },
        connectionPool: { tcp: { maxConnections: 0, connectTimeout: '250ms' } },
        portLevelSettings: [{ port: { number: 9080 }, loadBalancer: { simple: 'LEAST_CONN' } }],
      }, subsets: [{ name: 'v1', labels: { version: 'v1' }, trafficPolicy: { loadBalancer: { consistentHash: { useSourceIp: true } } } }] },
    })
    const spec = (resource as DestinationRule).spec
    expect(spec.trafficPolicy?.loadBalancer).toEqual({ consistentHash: { kind: 'header', name: 'x-user' } })
    expect(spec.trafficPolicy?.connectionPool).toEqual({ tcp: { connectTimeoutMs: 250 } })
    expect(spec.trafficPolicy?.portLevelSettings).toEqual([{ port: 9080, loadBalancer: { simple: 'LEAST_REQUEST' } }])
    expect(spec.subsets[0]!.trafficPolicy?.loadBalancer).toEqual({ consistentHash: { kind: 'sourceIp' } })
    expect(notes).toHaveLength(1)
    expect(notes[0]).toContain('[MD0105]')
  })

  test('consecutiveErrors is deprecated and ignored, as in Istio', () => {
    const { resource, notes } = parseOne({
      apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'r' },
      spec: { host: 'reviews', trafficPolicy: { outlierDetection: { consecutiveErrors: 1 } } },
    })
    expect((resource as DestinationRule).spec.trafficPolicy?.outlierDetection).toEqual({})
    expect(notes[0]).toContain('deprecated and ignored by Istio; use consecutive5xxErrors or consecutiveGatewayErrors')
  })

  test('an HTTPS server is accepted with a not-simulated warning', () => {
    const { resource, notes } = parseOne({
      apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'gw' },
      spec: { selector: { istio: 'ingressgateway' }, servers: [
        { port: { number: 80, name: 'http', protocol: 'http' }, hosts: ['*'] },
        { port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['bookinfo.example.com'], tls: { mode: 'SIMPLE', credentialName: 'cert' } },
      ] },
    })
    expect((resource as Gateway).spec.servers.map((s) => [s.port.protocol, s.tls?.mode])).toEqual([['HTTP', undefined], ['HTTPS', 'SIMPLE']])
    expect(notes).toEqual([
      "Warning [MD0104] (Gateway gw.default) spec.servers[1].port: HTTPS servers are not simulated: meshdojo's ingress serves plain HTTP (t.yaml, document 1)",
    ])
  })
})

describe('documents', () => {
  test('kind: List (what get -o yaml prints) is expanded; null fields count as absent', () => {
    const list = { apiVersion: 'v1', kind: 'List', items: [
      { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'a' }, spec: { host: 'a', trafficPolicy: null } },
      { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'b', namespace: 'prod' }, spec: { host: 'b' } },
    ] }
    const { resources, diagnostics } = parseConfig(stringify(list), 'list.yaml')
    expect(diagnostics).toEqual([])
    expect(resources.map((r) => `${r.meta.namespace}/${r.meta.name}`)).toEqual(['default/a', 'prod/b'])
  })
})
