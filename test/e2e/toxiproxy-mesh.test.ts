/** Toxiproxy links between every pair of services: a TCP toxic becomes a mesh effect a learner can see. */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { Toxiproxy } from 'toxiproxy-node-client'
import { request } from 'undici'
import { servedBy, startTestMesh, type TestMesh } from '../support/mesh.ts'
import { applySamples } from '../support/samples.ts'
import { runCli } from '../../sim/cli/main.ts'
import { captureIO } from '../support/cli-io.ts'

describe('Toxiproxy links in the mesh', () => {
  let mesh: TestMesh
  let toxiproxy: Toxiproxy
  beforeAll(async () => {
    mesh = await startTestMesh()
    toxiproxy = new Toxiproxy(mesh.links!.url)
  })
  afterAll(() => mesh.close())
  afterEach(async () => {
    await toxiproxy.reset()
    await mesh.resetConfig()
    mesh.records.length = 0
  })

  const routeReviewsTo = (subset: string) =>
    mesh.config.applyText(
      `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http: [{route: [{destination: {host: reviews, subset: ${subset}}}]}]
`,
      'reviews.yaml',
    )
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  const timedPages = async (n: number) => {
    const ms: number[] = []
    for (let i = 0; i < n; i++) ms.push((await mesh.page()).ms)
    return median(ms)
  }

  test('a fresh mesh has one proxy per destination workload, each in front of its sidecar', async () => {
    const proxies = await toxiproxy.getAll()
    expect(Object.keys(proxies).sort()).toEqual(['details-v1', 'productpage-v1', 'ratings-v1', 'reviews-v1', 'reviews-v2', 'reviews-v3'])
    expect(mesh.registry.endpoint('ratings-v1')!.dialAddress).toBe(proxies['ratings-v1']!.listen)
    expect(proxies['ratings-v1']!.upstream).toBe(mesh.registry.endpoint('ratings-v1')!.address)
  })

  test('latency on ratings-v1 slows pages served by reviews-v2, not those served by reviews-v1', async () => {
    applySamples(mesh, 'destination-rule-all.yaml')
    const ratings = await toxiproxy.get('ratings-v1')
    await ratings.addToxic({ name: 'slow', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 400, jitter: 0 } } as never)
    routeReviewsTo('v1')
    const v1 = await timedPages(3)
    routeReviewsTo('v2')
    const v2 = await timedPages(3)
    expect(v1).toBeLessThan(300)
    expect(v2).toBeGreaterThan(400)
    const reviewsV2 = mesh.stats.snapshot(60).workloads.find((w) => w.name === 'reviews-v2')!
    expect(reviewsV2.p50Ms).toBeGreaterThan(400)
  })

  test('a disabled link is a connect failure (UF); the mesh default retry goes to another host', async () => {
    const link = await toxiproxy.get('reviews-v2')
    await link.update({ enabled: false, listen: link.listen, upstream: link.upstream })
    for (let i = 0; i < 15; i++) expect((await mesh.page('/api/v1/products/0/reviews')).status).toBe(200)
    const toReviews = mesh.records.filter((r) => r.reporter === 'source' && r.source.workload === 'productpage-v1' && r.destinationService.startsWith('reviews.'))
    expect(toReviews.every((r) => r.status === 200 && r.destination.workload !== 'reviews-v2')).toBe(true)
    expect(toReviews.some((r) => r.attempts === 2)).toBe(true)
  })

  test('reset_peer on ratings-v1 gives reviews a reset (UC) and "Ratings service is currently unavailable"', async () => {
    applySamples(mesh, 'destination-rule-all.yaml')
    routeReviewsTo('v2')
    const ratings = await toxiproxy.get('ratings-v1')
    await ratings.addToxic({ name: 'rst', type: 'reset_peer', stream: 'upstream', toxicity: 1, attributes: { timeout: 0 } } as never)
    const page = await mesh.page()
    expect(servedBy(page.body)).toBe('v2')
    expect(page.body).toContain('Ratings service is currently unavailable')
    const call = mesh.records.find((r) => r.reporter === 'source' && r.source.workload === 'reviews-v2')!
    expect(call.status).toBe(503)
    expect(call.flags.has('UC')).toBe(true)
  })

  test('a timeout toxic meets the route timeout: 504 UT after the VirtualService timeout', async () => {
    applySamples(mesh, 'destination-rule-all.yaml')
    routeReviewsTo('v2')
    mesh.config.applyText(
      `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ratings}
spec:
  hosts: [ratings]
  http: [{route: [{destination: {host: ratings, subset: v1}}], timeout: 300ms}]
`,
      'ratings.yaml',
    )
    const ratings = await toxiproxy.get('ratings-v1')
    await ratings.addToxic({ name: 'blackhole', type: 'timeout', stream: 'downstream', toxicity: 1, attributes: { timeout: 0 } } as never)
    const page = await mesh.page()
    expect(page.body).toContain('Ratings service is currently unavailable')
    const call = mesh.records.find((r) => r.reporter === 'source' && r.source.workload === 'reviews-v2')!
    expect(call.status).toBe(504)
    expect([...call.flags]).toEqual(['UT'])
    expect(call.durationMs).toBeGreaterThanOrEqual(295)
  })

  test('meshdojo toxic add / list / remove, toxiproxy-cli style', async () => {
    const run = async (...argv: string[]) => {
      const io = captureIO()
      const code = await runCli(['toxic', ...argv, '--toxiproxy', mesh.links!.url], io)
      return { code, out: io.out.join('\n'), err: io.err.join('\n') }
    }
    expect((await run('add', 'ratings-v1', '-t', 'latency', '-a', 'latency=1000')).code).toBe(0)
    const list = await run('list')
    expect(list.out).toContain('ratings-v1')
    expect(list.out).toContain('latency_downstream')
    const raw = await request(`${mesh.links!.url}/proxies/ratings-v1/toxics`)
    expect(await raw.body.json()).toEqual([
      { attributes: { latency: 1000, jitter: 0 }, name: 'latency_downstream', type: 'latency', stream: 'downstream', toxicity: 1 },
    ])
    expect((await run('remove', 'ratings-v1', '-n', 'latency_downstream')).code).toBe(0)
    const missing = await run('remove', 'ratings-v1', '-n', 'latency_downstream')
    expect(missing.code).toBe(1)
    expect(missing.err).toContain('toxic not found')
  })
})
