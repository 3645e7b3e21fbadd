import { describe, expect, test } from 'vitest'
import { ManualClock } from '../clock.ts'
import { loadBalancer } from './load-balancer.ts'
import { OutlierDetector } from './outlier-detection.ts'
import { algorithm } from '../sidecar/lb-algorithms.ts'
import { hashCookieOf, hashKeyOf } from '../sidecar/hash-key.ts'
import { sfc32 } from '../random.ts'
import { UpstreamFailure } from '../upstream-failure.ts'
import { get } from '../../test/support/requests.ts'
import type { Endpoint } from '../control/registry.ts'
import type { MeshRequest, MeshResponse } from '../filter.ts'
import type { ConsistentHashKey } from '../control/types.ts'

const endpoint = (version: string): Endpoint => ({
  workload: `reviews-${version}`,
  service: 'reviews',
  labels: { app: 'reviews', version },
  address: `127.0.0.1:${version.slice(1)}000`,
  dialAddress: `127.0.0.1:${version.slice(1)}000`,
  ready: true,
})
const hosts = [endpoint('v1'), endpoint('v2'), endpoint('v3')]

function balancer(kind: Parameters<typeof algorithm>[0], options: { outlier?: OutlierDetector; hostList?: Endpoint[] } = {}) {
  const seen: string[] = []
  const active = new Map<string, number>()
  const handler = loadBalancer({
    hosts: () => options.hostList ?? hosts,
    algorithm: algorithm(kind, sfc32(7), (a) => active.get(a) ?? 0),
    outlier: options.outlier,
    active,
  })(async (req: MeshRequest) => {
    seen.push(req.upstream!.workload)
    return { status: 200, headers: {}, body: null }
  })
  return { handler, seen }
}

describe('load balancer', () => {
  test('LEAST_REQUEST (the default) spreads idle traffic over all hosts', async () => {
    const { handler, seen } = balancer('LEAST_REQUEST')
    for (let i = 0; i < 300; i++) await handler(get('/'))
    for (const v of ['v1', 'v2', 'v3']) expect(seen.filter((w) => w === `reviews-${v}`).length).toBeGreaterThan(70)
  })

  test('ROUND_ROBIN cycles in order', async () => {
    const { handler, seen } = balancer('ROUND_ROBIN')
    for (let i = 0; i < 6; i++) await handler(get('/'))
    expect(seen).toEqual(['reviews-v1', 'reviews-v2', 'reviews-v3', 'reviews-v1', 'reviews-v2', 'reviews-v3'])
  })

  test('records the chosen host in the stream info', async () => {
    const req = get('/')
    await balancer('ROUND_ROBIN').handler(req)
    expect(req.info).toMatchObject({ upstreamHost: '127.0.0.1:1000', destinationWorkload: 'reviews-v1', destinationVersion: 'v1' })
  })

  test('skips ejected hosts, and answers no healthy upstream (UH) when all are ejected', async () => {
    const clock = new ManualClock()
    const outlier = new OutlierDetector({ consecutive5xxErrors: 1, maxEjectionPercent: 100 }, clock, () => 3)
    outlier.observe(hosts[0]!.address, { status: 500 })
    const { handler, seen } = balancer('ROUND_ROBIN', { outlier })
    for (let i = 0; i < 4; i++) await handler(get('/'))
    expect(seen).not.toContain('reviews-v1')
    outlier.observe(hosts[1]!.address, { status: 500 })
    outlier.observe(hosts[2]!.address, { status: 500 })
    const err = await handler(get('/')).catch((e) => e)
    expect(err).toBeInstanceOf(UpstreamFailure)
    expect(err.reply).toMatchObject({ status: 503, body: 'no healthy upstream', flag: 'UH' })
    outlier.close()
  })

  test('no endpoints at all is no healthy upstream too', async () => {
    const err = await balancer('RANDOM', { hostList: [] }).handler(get('/')).catch((e) => e)
    expect(err.kind).toBe('no-healthy-upstream')
  })

  test('a retry avoids hosts already tried while others remain', async () => {
    const { handler, seen } = balancer('RANDOM')
    const tried = new Set([hosts[0]!.address, hosts[1]!.address])
    for (let i = 0; i < 20; i++) await handler({ ...get('/'), attempt: { number: 2, triedHosts: tried } })
    expect(new Set(seen)).toEqual(new Set(['reviews-v3']))
  })

  test('consistent hashing sends one key to one host', async () => {
    const picks = new Map<string, Set<string>>()
    for (const user of ['jason', 'anna', 'lee']) {
      const handler = loadBalancer({
        hosts: () => hosts,
        algorithm: algorithm('CONSISTENT_HASH', sfc32(1), () => 0),
        active: new Map(),
        hashKey: () => user,
      })(async (req) => {
        picks.set(user, (picks.get(user) ?? new Set()).add(req.upstream!.workload))
        return { status: 200, headers: {}, body: null }
      })
      for (let i = 0; i < 10; i++) await handler(get('/'))
    }
    for (const hostsSeen of picks.values()) expect(hostsSeen.size).toBe(1)
  })

  describe('consistent hash on a cookie', () => {
    function cookieBalancer(spec: ConsistentHashKey, answer: Partial<MeshResponse> = {}) {
      const seen: string[] = []
      const handler = loadBalancer({
        hosts: () => hosts,
        algorithm: algorithm('CONSISTENT_HASH', sfc32(3), () => 0),
        active: new Map(),
        hashKey: hashKeyOf(spec),
        hashCookie: hashCookieOf(spec, sfc32(5)),
      })(async (req: MeshRequest) => {
        seen.push(req.upstream!.workload)
        return { status: 200, headers: {}, body: null, ...answer }
      })
      return { handler, seen }
    }
    const replay = (setCookie: unknown) => String(setCookie).split(';')[0]!

    test('with a ttl, a request without the cookie gets one; replaying it keeps the host', async () => {
      const { handler, seen } = cookieBalancer({ kind: 'cookie', name: 'lb', path: '/api', ttlMs: 90_500 })
      const first = await handler(get('/'))
      expect(first.headers['set-cookie']).toMatch(/^lb="[0-9a-f]{16}"; Max-Age=90; Path=\/api; HttpOnly$/)
      for (let i = 0; i < 10; i++) {
        const res = await handler(get('/', { cookie: `other=1; ${replay(first.headers['set-cookie'])}` }))
        expect(res.headers['set-cookie']).toBeUndefined()
      }
      expect(new Set(seen).size).toBe(1)
    })

    test('new clients get different cookies, and so spread over the hosts', async () => {
      const { handler, seen } = cookieBalancer({ kind: 'cookie', name: 'lb', ttlMs: 60_000 })
      const cookies = new Set<string>()
      for (let i = 0; i < 60; i++) cookies.add(replay((await handler(get('/'))).headers['set-cookie']))
      expect(cookies.size).toBe(60)
      expect(new Set(seen)).toEqual(new Set(['reviews-v1', 'reviews-v2', 'reviews-v3']))
    })

    test('configured attributes follow Path and precede HttpOnly; an empty value is a bare flag', async () => {
      const spec: ConsistentHashKey = { kind: 'cookie', name: 'lb', path: '/', ttlMs: 60_000, attributes: [{ name: 'SameSite', value: 'Strict' }, { name: 'Secure', value: '' }] }
      const res = await cookieBalancer(spec).handler(get('/'))
      expect(res.headers['set-cookie']).toMatch(/^lb="[0-9a-f]{16}"; Max-Age=60; Path=\/; SameSite=Strict; Secure; HttpOnly$/)
    })

    test('a ttl of 0 gives a session cookie (no Max-Age), as in Envoy', async () => {
      const res = await cookieBalancer({ kind: 'cookie', name: 'lb', ttlMs: 0 }).handler(get('/'))
      expect(res.headers['set-cookie']).toMatch(/^lb="[0-9a-f]{16}"; HttpOnly$/)
    })

    test('without a ttl nothing is generated: no Set-Cookie, a random host', async () => {
      const { handler, seen } = cookieBalancer({ kind: 'cookie', name: 'lb' })
      for (let i = 0; i < 30; i++) expect((await handler(get('/'))).headers['set-cookie']).toBeUndefined()
      expect(new Set(seen).size).toBe(3)
    })

    test('an empty cookie counts as none', async () => {
      const res = await cookieBalancer({ kind: 'cookie', name: 'lb', ttlMs: 1000 }).handler(get('/', { cookie: 'lb=' }))
      expect(res.headers['set-cookie']).toMatch(/^lb="/)
    })

    test("the upstream's own Set-Cookie headers are kept, ours comes last", async () => {
      const spec: ConsistentHashKey = { kind: 'cookie', name: 'lb', ttlMs: 1000 }
      const one = await cookieBalancer(spec, { headers: { 'set-cookie': 'session=a' } }).handler(get('/'))
      expect(one.headers['set-cookie']).toEqual(['session=a', expect.stringMatching(/^lb="/)])
      const two = await cookieBalancer(spec, { headers: { 'set-cookie': ['a=1', 'b=2'] } }).handler(get('/'))
      expect(two.headers['set-cookie']).toEqual(['a=1', 'b=2', expect.stringMatching(/^lb="/)])
    })

    test('retries of one request reuse its generated cookie, so they stay on its host', async () => {
      const { handler, seen } = cookieBalancer({ kind: 'cookie', name: 'lb', ttlMs: 1000 })
      const req = get('/')
      const first = await handler({ ...req, attempt: { number: 1, triedHosts: new Set() } })
      const retry = await handler({ ...req, attempt: { number: 2, triedHosts: new Set([req.info.upstreamHost]) } })
      expect(retry.headers['set-cookie']).toBe(first.headers['set-cookie'])
      expect(seen[1]).toBe(seen[0])
    })
  })
})
