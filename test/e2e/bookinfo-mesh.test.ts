/**
 * The foundation, end to end over real sockets: Bookinfo through the ingress gateway and sidecars,
 * as Istio's sample behaves with no routing config.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { eventually, servedBy, startTestMesh, type TestMesh } from '../support/mesh.ts'

describe('Bookinfo behind sidecars', () => {
  let mesh: TestMesh
  beforeAll(async () => {
    mesh = await startTestMesh()
  })
  afterAll(() => mesh.close())

  test('the product page comes through the ingress with details and reviews', async () => {
    const page = await mesh.page()
    expect(page.status).toBe(200)
    expect(page.body).toContain('<title>Simple Bookstore App</title>')
    expect(page.body).toContain('William Shakespeare')
    expect(page.body).toContain('123-1234567890')
    expect(page.body).toContain('Reviewer1')
    expect(page.headers['x-envoy-upstream-service-time']).toMatch(/^\d+$/)
  })

  test('with no routing config every reviews version gets traffic (about a third each)', async () => {
    const counts: Record<string, number> = { v1: 0, v2: 0, v3: 0 }
    for (let i = 0; i < 90; i++) {
      const version = servedBy((await mesh.page()).body)
      if (version) counts[version]!++
    }
    expect(counts.v1).toBeGreaterThanOrEqual(15)
    expect(counts.v2).toBeGreaterThanOrEqual(15)
    expect(counts.v3).toBeGreaterThanOrEqual(15)
  })

  test('the gateway routes only what bookinfo-gateway.yaml routes', async () => {
    expect((await mesh.page('/api/v1/products')).status).toBe(200)
    expect((await mesh.page('/health')).status).toBe(404)
    expect((await mesh.page('/')).status).toBe(404)
  })

  test('logged in as jason, end-user: jason reaches reviews and ratings', async () => {
    const cookie = await mesh.login('jason')
    mesh.records.length = 0
    let version: string | undefined
    for (let i = 0; i < 30 && version !== 'v2' && version !== 'v3'; i++) {
      const page = await mesh.page('/productpage', { cookie })
      expect(page.body).toContain('jason')
      version = servedBy(page.body)
    }
    const seen = (app: string) => mesh.records.filter((r) => r.reporter === 'destination' && r.destination.app === app)
    expect(seen('reviews').length).toBeGreaterThan(0)
    expect(seen('reviews').every((r) => r.endUser === 'jason')).toBe(true)
    expect(seen('ratings').length).toBeGreaterThan(0)
    expect(seen('ratings').every((r) => r.endUser === 'jason')).toBe(true)
  })

  test('an end-user header sent straight to productpage is not forwarded', async () => {
    mesh.records.length = 0
    await mesh.page('/productpage', { 'end-user': 'jason' })
    const atReviews = mesh.records.filter((r) => r.reporter === 'destination' && r.destination.app === 'reviews')
    expect(atReviews.length).toBe(1)
    expect(atReviews[0]!.endUser).toBeUndefined()
  })

  test('x-request-id and the trace are the same at every hop of one page load', async () => {
    mesh.records.length = 0
    let page
    do page = await mesh.page()
    while (servedBy(page.body) === 'v1')
    const requestIds = new Set(mesh.records.map((r) => r.requestId))
    expect(requestIds.size).toBe(1)
    const traceIds = new Set(mesh.records.map((r) => r.span?.traceId))
    expect(traceIds.size).toBe(1)
    const hops = mesh.records.map((r) => `${r.reporter}:${r.source.workload}>${r.destination.app}`.replace(/reviews-v[23]/, 'reviews-vN')).sort()
    expect(hops).toEqual([
      'destination:istio-ingressgateway>productpage',
      'destination:productpage-v1>details',
      'destination:productpage-v1>reviews',
      'destination:reviews-vN>ratings',
      'source:istio-ingressgateway>productpage',
      'source:productpage-v1>details',
      'source:productpage-v1>reviews',
      'source:reviews-vN>ratings',
    ])
    // Each server span is the child of the caller's client span.
    const client = mesh.records.find((r) => r.reporter === 'source' && r.destination.app === 'details')!
    const server = mesh.records.find((r) => r.reporter === 'destination' && r.destination.app === 'details')!
    expect(server.span?.parentSpanId).toBe(client.span?.spanId)
  })

  test('stats show every workload with live numbers', async () => {
    await mesh.page()
    const stats = mesh.stats.snapshot(60)
    const names = stats.workloads.map((w) => w.name)
    for (const name of ['istio-ingressgateway', 'productpage-v1', 'details-v1', 'reviews-v1', 'reviews-v2', 'reviews-v3', 'ratings-v1']) {
      expect(names).toContain(name)
    }
    const productpage = stats.workloads.find((w) => w.name === 'productpage-v1')!
    expect(productpage.requests).toBeGreaterThan(0)
    expect(productpage.successRate).toBe(1)
    expect(productpage.p99Ms).toBeGreaterThan(0)
  })
})

describe('failures inside the mesh', () => {
  let mesh: TestMesh
  beforeAll(async () => {
    mesh = await startTestMesh({ notReadyAfterMs: 60_000 })
  })
  afterAll(() => mesh.close())

  test('details down: the page is still 200 and says so; the inbound sidecar reports UF', async () => {
    await mesh.workload('details-v1').kill()
    mesh.records.length = 0
    const page = await mesh.page()
    expect(page.status).toBe(200)
    expect(page.body).toContain('Error fetching product details')
    const inbound = mesh.records.find((r) => r.reporter === 'destination' && r.destination.app === 'details')!
    expect(inbound.status).toBe(503)
    expect([...inbound.flags]).toEqual(['UF'])
    expect((await mesh.page('/api/v1/products/0')).status).toBe(503)
    await mesh.workload('details-v1').restart()
    expect((await mesh.page()).body).not.toContain('Error fetching product details')
  })

  test('ratings down: reviews-v2 pages show "Ratings service is currently unavailable"', async () => {
    await mesh.workload('ratings-v1').kill()
    const body = await eventually(async () => {
      const page = await mesh.page()
      return servedBy(page.body) === 'v2' ? page.body : undefined
    }, 'a page served by reviews-v2')
    expect(body).toContain('Ratings service is currently unavailable')
    await mesh.workload('ratings-v1').restart()
  })

  test('a killed workload leaves the endpoints after its readiness delay', async () => {
    const quick = await startTestMesh({ notReadyAfterMs: 50 })
    try {
      await quick.workload('reviews-v1').kill()
      await eventually(() => (quick.registry.endpoint('reviews-v1')?.ready === false ? true : undefined), 'reviews-v1 not ready')
      for (let i = 0; i < 10; i++) expect(servedBy((await quick.page()).body)).not.toBe('v1')
      await quick.workload('reviews-v1').restart()
      expect(quick.registry.endpoint('reviews-v1')?.ready).toBe(true)
    } finally {
      await quick.close()
    }
  })
})

describe('shutdown', () => {
  test('closing the mesh leaves no open sockets, servers or timers', async () => {
    const handles = () => (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length
    const before = handles()
    const mesh = await startTestMesh()
    await mesh.page()
    await mesh.close()
    await eventually(() => (handles() <= before ? true : undefined), `active handles back to ${before}`)
  })
})
