/** An upstream cluster over real sockets: endpoints are HTTP servers on 127.0.0.1, ephemeral ports. */
import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { systemClock } from '../clock.ts'
import { sfc32 } from '../random.ts'
import { parseConfig } from '../control/parse/parse-config.ts'
import type { DestinationRule } from '../control/types.ts'
import type { Endpoint } from '../control/registry.ts'
import { bodyText, get } from '../../test/support/requests.ts'
import { UpstreamCluster } from './cluster.ts'

const VERSIONS = ['v1', 'v2', 'v3']

describe('upstream cluster: consistent hash on an httpCookie', () => {
  const servers: Server[] = []
  const endpoints: Endpoint[] = []
  const clusters: UpstreamCluster[] = []

  beforeAll(async () => {
    for (const version of VERSIONS) {
      // Each endpoint names itself, and shows whether the caller's cookie reached it.
      const server = createServer((req, res) => res.end(`reviews-${version} cookie=${req.headers.cookie ?? ''}`))
      server.listen(0, '127.0.0.1')
      await once(server, 'listening')
      servers.push(server)
      const address = `127.0.0.1:${(server.address() as AddressInfo).port}`
      endpoints.push({ workload: `reviews-${version}`, service: 'reviews', labels: { app: 'reviews', version }, address, dialAddress: address, ready: true })
    }
  })
  afterAll(async () => {
    await Promise.all(clusters.map((c) => c.close()))
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))))
  })

  /** A cluster of the three endpoints, with the trafficPolicy of `httpCookie` parsed from YAML. */
  function cluster(httpCookie: string): UpstreamCluster {
    const { resources, diagnostics } = parseConfig(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews}
spec:
  host: reviews
  trafficPolicy:
    loadBalancer:
      consistentHash:
        httpCookie: ${httpCookie}
`, 'test.yaml')
    expect(diagnostics).toEqual([])
    const policy = (resources[0] as DestinationRule).spec.trafficPolicy!
    const c = new UpstreamCluster({ fqdn: 'reviews.default.svc.cluster.local', service: 'reviews', port: 9080, labels: {} }, policy, { clock: systemClock(), random: sfc32(11) })
    c.setEndpoints(endpoints)
    clusters.push(c)
    return c
  }

  async function call(c: UpstreamCluster, cookie?: string) {
    const res = await c.handler(get('/reviews/0', cookie === undefined ? {} : { cookie }))
    const body = await bodyText(res.body)
    return { status: res.status, setCookie: res.headers['set-cookie'], workload: body.split(' ')[0]!, body }
  }

  test('with a ttl, the first response sets the cookie, and requests replaying it all reach one endpoint', async () => {
    const c = cluster('{name: user, path: /, ttl: 3600s}')
    const first = await call(c)
    expect(first.status).toBe(200)
    expect(first.setCookie).toMatch(/^user="[0-9a-f]{16}"; Max-Age=3600; Path=\/; HttpOnly$/)
    const cookie = String(first.setCookie).split(';')[0]! // what a browser sends back
    const replays = []
    for (let i = 0; i < 12; i++) replays.push(await call(c, cookie))
    expect(replays.every((r) => r.status === 200 && r.setCookie === undefined)).toBe(true)
    expect(new Set(replays.map((r) => r.workload))).toEqual(new Set([first.workload]))
    expect(replays[0]!.body).toContain(`cookie=${cookie}`) // the cookie is forwarded, not consumed

    // Other clients get other cookies, so the sticking is per client, not one host for all.
    const firstHosts = new Set<string>()
    for (let i = 0; i < 30; i++) firstHosts.add((await call(c)).workload)
    expect(firstHosts).toEqual(new Set(VERSIONS.map((v) => `reviews-${v}`)))
  })

  test("the cookie's attributes from the DestinationRule reach the Set-Cookie", async () => {
    const first = await call(cluster('{name: user, ttl: 60s, attributes: [{name: SameSite, value: Lax}, {name: Secure}]}'))
    expect(first.setCookie).toMatch(/^user="[0-9a-f]{16}"; Max-Age=60; SameSite=Lax; Secure; HttpOnly$/)
  })

  test('without a ttl nothing is generated: no Set-Cookie, and requests spread', async () => {
    const c = cluster('{name: user}')
    const seen = new Set<string>()
    for (let i = 0; i < 30; i++) {
      const res = await call(c)
      expect(res.setCookie).toBeUndefined()
      seen.add(res.workload)
    }
    expect(seen.size).toBe(3)
    // A client that already has the cookie still sticks.
    const sticky = new Set<string>()
    for (let i = 0; i < 10; i++) sticky.add((await call(c, 'user=jason')).workload)
    expect(sticky.size).toBe(1)
  })
})
