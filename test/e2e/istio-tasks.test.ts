/**
 * Istio's traffic-management tasks, reproduced with Istio's own YAML: the outcomes the task pages
 * (and their test.sh scripts) promise. https://istio.io/latest/docs/tasks/traffic-management/
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { eventually, servedBy, startTestMesh, type TestMesh } from '../support/mesh.ts'
import { applySamples } from '../support/samples.ts'
import { startMeshedClient } from '../../sim/load/meshed-client.ts'
import { runLoad } from '../../sim/load/load-run.ts'

const STARS = 'glyphicon glyphicon-star'
const REVIEWS_UNAVAILABLE = 'Sorry, product reviews are currently unavailable for this book.'
const RATINGS_UNAVAILABLE = 'Ratings service is currently unavailable'

describe('Bookinfo tasks', () => {
  let mesh: TestMesh
  let jason: string
  beforeAll(async () => {
    mesh = await startTestMesh()
    jason = await mesh.login('jason')
  })
  afterAll(() => mesh.close())
  afterEach(() => mesh.resetConfig())

  const pages = async (n: number, user?: string) => {
    const out = []
    for (let i = 0; i < n; i++) out.push(await mesh.page('/productpage', user ? { cookie: user } : {}))
    return out
  }

  test('request routing: all-v1 never shows stars; reviews-test-v2 gives jason black stars, others none', async () => {
    applySamples(mesh, 'destination-rule-all.yaml', 'virtual-service-all-v1.yaml')
    for (const page of await pages(30)) expect(page.body).not.toContain(STARS)
    applySamples(mesh, 'virtual-service-reviews-test-v2.yaml')
    for (const page of await pages(15, jason)) {
      expect(page.body).toContain(STARS)
      expect(page.body).toContain('text-black-500')
    }
    for (const page of await pages(15)) expect(page.body).not.toContain(STARS)
  })

  test('fault injection, delay: jason waits about 6 s and gets no reviews (the productpage timeout bug)', async () => {
    applySamples(mesh, 'destination-rule-all.yaml', 'virtual-service-all-v1.yaml', 'virtual-service-reviews-test-v2.yaml', 'virtual-service-ratings-test-delay.yaml')
    const [slow] = await pages(1, jason)
    expect(slow!.status).toBe(200)
    expect(slow!.body).toContain(REVIEWS_UNAVAILABLE)
    expect(slow!.ms).toBeGreaterThan(5_500)
    expect(slow!.ms).toBeLessThan(8_000)
    const [anonymous] = await pages(1)
    expect(anonymous!.body).not.toContain(REVIEWS_UNAVAILABLE)
    expect(anonymous!.ms).toBeLessThan(1_500)
    // reviews-v2 itself waits out the 7 s delay (its own timeout is 10 s), after productpage gave up.
    const injected = await eventually(
      () => mesh.records.find((r) => r.reporter === 'source' && r.source.app === 'reviews' && r.flags.has('DI')),
      'the delayed call from reviews to ratings to finish',
    )
    expect(injected.status).toBe(200)
  }, 20_000)

  test('fault injection, the fix: reviews-v3 gives up on ratings after 2.5 s and shows the page', async () => {
    applySamples(mesh, 'destination-rule-all.yaml', 'virtual-service-all-v1.yaml', 'virtual-service-reviews-v3.yaml', 'virtual-service-ratings-test-delay.yaml')
    const [page] = await pages(1, jason)
    expect(page!.body).not.toContain(REVIEWS_UNAVAILABLE)
    expect(page!.body).toContain(RATINGS_UNAVAILABLE)
    expect(page!.ms).toBeGreaterThan(2_400)
    expect(page!.ms).toBeLessThan(4_500)
  }, 20_000)

  test('fault injection, abort: jason sees "Ratings service is currently unavailable" at once; others do not', async () => {
    applySamples(mesh, 'destination-rule-all.yaml', 'virtual-service-all-v1.yaml', 'virtual-service-reviews-test-v2.yaml', 'virtual-service-ratings-test-abort.yaml')
    mesh.records.length = 0
    const [page] = await pages(1, jason)
    expect(page!.body).toContain(RATINGS_UNAVAILABLE)
    expect(page!.ms).toBeLessThan(1_500)
    // (A delayed call from the previous test may still finish meanwhile: look for this one by its flag.)
    const abort = mesh.records.find((r) => r.reporter === 'source' && r.source.app === 'reviews' && r.destinationService.startsWith('ratings.') && r.flags.has('FI'))!
    expect(abort.status).toBe(500)
    expect([...abort.flags]).toEqual(['FI'])
    expect(abort.attempts).toBe(0) // a client-side abort is a local reply: never sent, never retried
    for (const anonymous of await pages(5)) expect(anonymous.body).not.toContain(RATINGS_UNAVAILABLE)
  })

  test('traffic shifting: 50/50 v1/v3 within the band Istio\'s test uses, then 100% v3', async () => {
    applySamples(mesh, 'destination-rule-all.yaml', 'virtual-service-all-v1.yaml', 'virtual-service-reviews-50-v3.yaml')
    const half = (await pages(100)).filter((p) => p.body.includes(STARS)).length
    expect(half).toBeGreaterThan(40)
    expect(half).toBeLessThan(60)
    applySamples(mesh, 'virtual-service-reviews-v3.yaml')
    const all = await pages(100)
    expect(all.filter((p) => p.body.includes(STARS)).length).toBeGreaterThan(90)
    expect(all.every((p) => servedBy(p.body) === 'v3')).toBe(true)
  })

  test('request timeouts: a 0.5 s timeout on reviews against a 2 s ratings delay gives a page in about 1 s', async () => {
    applySamples(mesh, 'destination-rule-all.yaml', 'virtual-service-all-v1.yaml')
    mesh.config.applyText(
      `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts:
  - reviews
  http:
  - route:
    - destination:
        host: reviews
        subset: v2
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ratings
spec:
  hosts:
  - ratings
  http:
  - fault:
      delay:
        percent: 100
        fixedDelay: 2s
    route:
    - destination:
        host: ratings
        subset: v1
`,
      'request-timeouts.yaml',
    )
    const [delayed] = await pages(1)
    expect(delayed!.body).toContain(STARS)
    expect(delayed!.ms).toBeGreaterThan(1_900)
    mesh.config.applyText(
      `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts:
  - reviews
  http:
  - route:
    - destination:
        host: reviews
        subset: v2
    timeout: 0.5s
`,
      'reviews-timeout.yaml',
    )
    mesh.records.length = 0
    const [timedOut] = await pages(1)
    expect(timedOut!.body).toContain(REVIEWS_UNAVAILABLE)
    expect(timedOut!.ms).toBeGreaterThan(950)
    expect(timedOut!.ms).toBeLessThan(2_000)
    const toReviews = mesh.records.filter((r) => r.reporter === 'source' && r.source.workload === 'productpage-v1' && r.destinationService.startsWith('reviews.'))
    expect(toReviews.map((r) => [r.status, [...r.flags].join()])).toEqual([
      [504, 'UT'],
      [504, 'UT'],
    ])
  }, 20_000)
})

describe('httpbin tasks', () => {
  let mesh: TestMesh
  beforeAll(async () => {
    mesh = await startTestMesh({ withHttpbin: true })
  })
  afterAll(() => mesh.close())

  test('circuit breaking: with the task\'s DestinationRule both 200 and 503 (UO) appear at 2 and 3 connections', async () => {
    mesh.config.applyText(
      `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: httpbin
spec:
  host: httpbin
  trafficPolicy:
    connectionPool:
      tcp:
        maxConnections: 1
      http:
        http1MaxPendingRequests: 1
        maxRequestsPerConnection: 1
    outlierDetection:
      consecutive5xxErrors: 1
      interval: 1s
      baseEjectionTime: 3m
      maxEjectionPercent: 100
`,
      'httpbin-dr.yaml',
    )
    const fortio = await startMeshedClient(mesh)
    try {
      const load = (concurrency: number, requests: number) => runLoad({ url: 'http://httpbin:8000/get', dispatcher: fortio.dispatcher, concurrency, requests, qps: 0, clock: mesh.clock })
      expect((await load(1, 1)).codes).toEqual({ 200: 1 })
      const two = await load(2, 20)
      expect(two.codes['200']).toBeGreaterThan(0)
      expect(two.codes['503']).toBeGreaterThan(0)
      const three = await load(3, 30)
      expect(three.codes['200']).toBeGreaterThan(0)
      expect(three.codes['503']).toBeGreaterThan(0)
      expect(three.codes['503']).toBeGreaterThan(two.codes['503']! * 0.5)
      const overflows = mesh.records.filter((r) => r.reporter === 'source' && r.source.workload === 'fortio-v1' && r.status === 503)
      expect(overflows.length).toBeGreaterThan(0)
      expect(overflows.every((r) => r.flags.has('UO'))).toBe(true)
      const cluster = fortio.sidecar.clusters.list().find((c) => c.name === 'outbound|8000||httpbin.default.svc.cluster.local')!
      expect(cluster.counters.get('upstream_rq_pending_overflow')).toBe(overflows.length)
    } finally {
      await fortio.close()
      mesh.config.delete('DestinationRule', 'httpbin')
    }
  })

  test('mirroring: each request to v1 also reaches v2 as httpbin-shadow; the caller sees only v1', async () => {
    mesh.config.applyText(
      `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: httpbin
spec:
  host: httpbin
  subsets:
  - name: v1
    labels:
      version: v1
  - name: v2
    labels:
      version: v2
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: httpbin
spec:
  hosts:
  - httpbin
  http:
  - route:
    - destination:
        host: httpbin
        subset: v1
      weight: 100
`,
      'httpbin-v1.yaml',
    )
    const client = await startMeshedClient(mesh, 'sleep')
    try {
      const received = (version: string) => mesh.records.filter((r) => r.reporter === 'destination' && r.destination.workload === `httpbin-${version}`)
      mesh.records.length = 0
      await runLoad({ url: 'http://httpbin:8000/headers', dispatcher: client.dispatcher, concurrency: 1, requests: 5, qps: 0, clock: mesh.clock })
      expect(received('v1')).toHaveLength(5)
      expect(received('v2')).toHaveLength(0)
      mesh.config.applyText(
        `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: httpbin
spec:
  hosts:
  - httpbin
  http:
  - route:
    - destination:
        host: httpbin
        subset: v1
      weight: 100
    mirror:
      host: httpbin
      subset: v2
    mirrorPercentage:
      value: 100.0
`,
        'httpbin-mirror.yaml',
      )
      mesh.records.length = 0
      const result = await runLoad({ url: 'http://httpbin:8000/headers', dispatcher: client.dispatcher, concurrency: 1, requests: 5, qps: 0, clock: mesh.clock })
      expect(result.codes).toEqual({ 200: 5 })
      await eventually(() => (received('v2').length === 5 ? true : undefined), 'five mirrored requests at v2')
      expect(received('v1')).toHaveLength(5)
      expect(received('v2').every((r) => r.authority === 'httpbin-shadow:8000' && r.mirrored)).toBe(true)
      const seenByCaller = mesh.records.filter((r) => r.reporter === 'source' && r.source.workload === 'sleep-v1')
      expect(seenByCaller.map((r) => r.destination.workload)).toEqual(Array(5).fill('httpbin-v1'))
    } finally {
      await client.close()
    }
  })
})
