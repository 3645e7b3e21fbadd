/**
 * Istio/Envoy routing semantics over real sockets, beyond the task pages: the defaults and corner
 * cases that surprise people (reference: bookinfo-and-istio.md §4, §5).
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { systemClock } from '../../mesh/clock.ts'
import { eventually, servedBy, startTestMesh, type TestMesh } from '../support/mesh.ts'
import { applySamples } from '../support/samples.ts'

describe('routing semantics', () => {
  let mesh: TestMesh
  // The mesh's clock, watched: a fault delay is a clock.sleep, so a test can tell when a request
  // has been routed and is held by its fault.
  const held: number[] = []
  beforeAll(async () => {
    const clock = systemClock()
    const sleep = clock.sleep
    clock.sleep = (ms, signal) => {
      held.push(ms)
      return sleep(ms, signal).finally(() => held.splice(held.indexOf(ms), 1))
    }
    mesh = await startTestMesh({ notReadyAfterMs: 600_000, clock })
  })
  afterAll(() => mesh.close())
  afterEach(async () => {
    await mesh.resetConfig()
    for (const w of mesh.workloads.values()) await w.restart()
    mesh.records.length = 0
  })

  const apply = (yaml: string) => mesh.config.applyText(yaml, 'test.yaml')
  const sourceRecords = (from: string, service: string) => mesh.records.filter((r) => r.reporter === 'source' && r.source.workload === from && r.destinationService.startsWith(`${service}.`))

  test('a subset no DestinationRule defines answers 503 with NC (the classic "VS before DR" mistake)', async () => {
    applySamples(mesh, 'virtual-service-all-v1.yaml')
    const res = await mesh.page('/api/v1/products/0/reviews')
    expect(res.status).toBe(503)
    const calls = sourceRecords('productpage-v1', 'reviews')
    expect(calls.length).toBeGreaterThan(0)
    expect(calls.every((r) => r.flags.has('NC') && r.status === 503)).toBe(true)
    expect(calls[0]!.upstreamCluster).toBe('outbound|9080|v1|reviews.default.svc.cluster.local')
  })

  test('no matching route is 404 NR; the first matching route wins', async () => {
    applySamples(mesh, 'destination-rule-all.yaml')
    apply(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http:
  - match: [{headers: {end-user: {exact: jason}}}]
    route: [{destination: {host: reviews, subset: v2}}]
  - match: [{headers: {end-user: {prefix: ja}}}]
    route: [{destination: {host: reviews, subset: v3}}]
`)
    expect((await mesh.page('/api/v1/products/0/reviews')).status).toBe(404)
    expect([...sourceRecords('productpage-v1', 'reviews')[0]!.flags]).toEqual(['NR'])
    const jason = await mesh.login('jason')
    const page = await mesh.page('/productpage', { cookie: jason })
    expect(servedBy(page.body)).toBe('v2')
  })

  test('sourceLabels applies a route only to matching callers', async () => {
    applySamples(mesh, 'destination-rule-all.yaml')
    apply(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ratings}
spec:
  hosts: [ratings]
  http:
  - match: [{sourceLabels: {app: reviews, version: v3}}]
    fault: {abort: {httpStatus: 503, percentage: {value: 100}}}
    route: [{destination: {host: ratings, subset: v1}}]
  - route: [{destination: {host: ratings, subset: v1}}]
`)
    for (let i = 0; i < 20; i++) await mesh.page()
    const fromV2 = sourceRecords('reviews-v2', 'ratings')
    const fromV3 = sourceRecords('reviews-v3', 'ratings')
    expect(fromV2.length).toBeGreaterThan(0)
    expect(fromV3.length).toBeGreaterThan(0)
    expect(fromV2.every((r) => r.status === 200)).toBe(true)
    expect(fromV3.every((r) => r.status === 503 && r.flags.has('FI'))).toBe(true)
  })

  test('retries on 5xx hide a dead endpoint from the caller (URX only when all tries fail)', async () => {
    await mesh.workload('reviews-v1').kill()
    apply(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http:
  - route: [{destination: {host: reviews}}]
    retries: {attempts: 2, retryOn: 5xx}
`)
    for (let i = 0; i < 20; i++) expect((await mesh.page('/api/v1/products/0/reviews')).status).toBe(200)
    const actual = mesh.records.filter((r) => r.reporter === 'destination' && r.destination.workload === 'reviews-v1')
    expect(actual.length).toBeGreaterThan(0) // the dead host was tried
    expect(actual.every((r) => r.status === 503 && r.flags.has('UF'))).toBe(true)
    const effective = sourceRecords('productpage-v1', 'reviews')
    expect(effective.every((r) => r.status === 200)).toBe(true)
    expect(effective.some((r) => r.attempts === 2)).toBe(true)
  })

  test('without retries configured, the mesh default does not retry an app 503', async () => {
    await mesh.workload('reviews-v1').kill()
    let failures = 0
    for (let i = 0; i < 30; i++) if ((await mesh.page('/api/v1/products/0/reviews')).status === 503) failures++
    expect(failures).toBeGreaterThan(0)
  })

  test('outlier detection ejects the dead endpoint; traffic recovers', async () => {
    await mesh.workload('reviews-v1').kill()
    apply(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews}
spec:
  host: reviews
  trafficPolicy:
    outlierDetection: {consecutive5xxErrors: 1, interval: 1s, baseEjectionTime: 30s, maxEjectionPercent: 100}
`)
    // productpage itself tries reviews twice, so the page hides the one failure; the sidecar saw it.
    for (let i = 0; i < 30; i++) expect((await mesh.page('/api/v1/products/0/reviews')).status).toBe(200)
    const statuses = sourceRecords('productpage-v1', 'reviews').map((r) => r.status)
    expect(statuses.filter((s) => s === 503)).toHaveLength(1)
    expect(statuses.slice(statuses.indexOf(503) + 1).every((s) => s === 200)).toBe(true)
    const cluster = mesh.workload('productpage-v1').outbound.clusters.list().find((c) => c.name === 'outbound|9080||reviews.default.svc.cluster.local')!
    expect(cluster.counters.get('outlier_detection.ejections_enforced_total')).toBe(1)
  })

  test('all endpoints ejected answers 503 no healthy upstream (UH): no panic fallback at minHealthPercent 0', async () => {
    for (const v of ['v1', 'v2', 'v3']) await mesh.workload(`reviews-${v}`).kill()
    apply(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews}
spec:
  host: reviews
  trafficPolicy:
    outlierDetection: {consecutive5xxErrors: 1, interval: 10s, baseEjectionTime: 30s, maxEjectionPercent: 100}
`)
    for (let i = 0; i < 6; i++) await mesh.page('/api/v1/products/0/reviews')
    mesh.records.length = 0
    const res = await mesh.page('/api/v1/products/0/reviews')
    expect(res.status).toBe(503)
    expect(sourceRecords('productpage-v1', 'reviews').every((r) => r.flags.has('UH'))).toBe(true)
  })

  test('an invalid apply changes nothing: traffic keeps the config it had', async () => {
    applySamples(mesh, 'destination-rule-all.yaml', 'virtual-service-reviews-v3.yaml')
    const version = mesh.config.snapshot().version
    expect(() =>
      apply(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http: [{route: [{destination: {host: reviews, subset: v1}}], timeout: 10}]
`),
    ).toThrow(/timeout/)
    expect(mesh.config.snapshot().version).toBe(version)
    for (let i = 0; i < 5; i++) expect(servedBy((await mesh.page()).body)).toBe('v3')
  })

  test('requests in flight finish on the config they started with', async () => {
    applySamples(mesh, 'destination-rule-all.yaml')
    apply(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http:
  - fault: {delay: {fixedDelay: 1s, percentage: {value: 100}}}
    route: [{destination: {host: reviews, subset: v2}}]
`)
    const slow = mesh.page()
    await eventually(() => held.includes(1_000) || undefined, 'the page request held by its 1 s fault delay')
    applySamples(mesh, 'virtual-service-reviews-v3.yaml')
    expect(servedBy((await mesh.page()).body)).toBe('v3')
    expect(servedBy((await slow).body)).toBe('v2')
  })

  test('the gateway follows gateway-bound VirtualServices: rewrite, and 404 when unbound', async () => {
    apply(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: bookinfo}
spec:
  hosts: ["*"]
  gateways: [bookinfo-gateway]
  http:
  - match: [{uri: {prefix: /books}}]
    rewrite: {uri: /productpage}
    route: [{destination: {host: productpage, port: {number: 9080}}}]
`)
    const page = await mesh.page('/books')
    expect(page.status).toBe(200)
    expect(page.body).toContain('Simple Bookstore App')
    expect((await mesh.page('/productpage')).status).toBe(404)
    mesh.config.delete('Gateway', 'bookinfo-gateway')
    expect((await mesh.page('/books')).status).toBe(404)
  })
})

describe('determinism', () => {
  test('the same seed and the same requests split traffic the same way', async () => {
    const run = async () => {
      const mesh = await startTestMesh({ seed: 1234 })
      try {
        applySamples(mesh, 'destination-rule-all.yaml', 'virtual-service-reviews-80-20.yaml')
        const seq = []
        for (let i = 0; i < 30; i++) seq.push(servedBy((await mesh.page()).body))
        return seq.join('')
      } finally {
        await mesh.close()
      }
    }
    const first = await run()
    expect(first).toMatch(/v2/)
    expect(await run()).toBe(first)
  })
})
