/**
 * What every hop does with connections and request bodies, over a running mesh (real TLS between
 * sidecars, Toxiproxy links, in-process app hops): one kept-alive connection per caller, bodies
 * streamed past Envoy's 1 MiB buffer, and retries and mirrors only for bodies that fit it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { request } from 'undici'
import { eventually, startTestMesh, type TestMesh } from '../support/mesh.ts'
import { bookinfoWorkloads } from '../../sim/mesh/topology.ts'

/** An upload sink per version: counts the bytes each request has delivered so far. */
const seen = new Map<string, { bytes: number; requests: number }>()
const uploads = (version: string) => (req: IncomingMessage, res: ServerResponse) => {
  const tally = seen.get(version) ?? { bytes: 0, requests: 0 }
  seen.set(version, tally)
  tally.requests++
  let bytes = 0
  req.on('data', (chunk: Buffer) => {
    bytes += chunk.length
    tally.bytes += chunk.length
  })
  req.on('end', () => {
    res.writeHead(req.url === '/fail' ? 503 : 200, { 'content-type': 'text/plain' }).end(String(bytes))
  })
}

const MiB = 1024 * 1024
const mirrorConfig = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: uploads}
spec:
  host: uploads
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: uploads}
spec:
  hosts: [uploads]
  http:
  - route: [{destination: {host: uploads, subset: v1}}]
    mirror: {host: uploads, subset: v2}
    mirrorPercentage: {value: 100}
    retries: {attempts: 2, retryOn: 5xx}
`

describe('connections and request bodies at every hop', () => {
  let mesh: TestMesh
  beforeAll(async () => {
    mesh = await startTestMesh({
      workloads: [...bookinfoWorkloads(), ...['v1', 'v2'].map((version) => ({ app: 'uploads', version, servicePort: 8080, createApp: () => uploads(version) }))],
    })
  })
  afterAll(() => mesh.close())

  const send = (path: string, body: Buffer | Readable, length?: number) =>
    request(`http://uploads:8080${path}`, {
      method: 'POST',
      body,
      dispatcher: mesh.workload('productpage-v1').egress,
      headers: length === undefined ? {} : { 'content-length': String(length) },
    })

  test('sequential calls reuse one mTLS connection per caller, as Envoy does', async () => {
    const ratings = mesh.workload('ratings-v1').inbound.listener.stats
    const before = ratings.get('ssl.handshake')
    for (let i = 0; i < 5; i++) {
      const res = await request('http://ratings:9080/ratings/0', { dispatcher: mesh.workload('reviews-v2').egress })
      expect(res.statusCode).toBe(200)
      await res.body.text()
    }
    expect(ratings.get('ssl.handshake') - before).toBe(1)
  })

  test('a body past 1 MiB streams through every hop: the app reads its first bytes before the caller has sent the rest', async () => {
    const total = 8 * MiB
    const chunk = Buffer.alloc(64 * 1024, 'x')
    // No routing config yet: either version may get it.
    const received = () => [...seen.values()].reduce((sum, t) => sum + t.bytes, 0)
    const start = received()
    let sent = 0
    // Sends 3 MiB, then waits until the app has received 2 MiB of them before sending the rest:
    // a sidecar that buffered the whole body would never let that happen.
    const body = Readable.from(
      (async function* () {
        while (sent < 3 * MiB) {
          sent += chunk.length
          yield chunk
        }
        await eventually(() => (received() - start >= 2 * MiB ? true : undefined), 'the app to receive 2 MiB while the upload is under way')
        while (sent < total) {
          sent += chunk.length
          yield chunk
        }
      })(),
    )
    const res = await send('/big', body, total)
    expect(res.statusCode).toBe(200)
    expect(await res.body.text()).toBe(String(total))
  })

  test('a body within 1 MiB is mirrored and retried; a larger one is sent once, to the primary only', async () => {
    mesh.config.applyText(mirrorConfig, 'uploads.yaml')
    const small = Buffer.alloc(512 * 1024, 's')
    const mirrored = () => seen.get('v2')?.requests ?? 0
    const primary = () => seen.get('v1')?.requests ?? 0

    let before = { mirrored: mirrored(), primary: primary() }
    const retried = await send('/fail', small)
    expect(retried.statusCode).toBe(503)
    await retried.body.text()
    await eventually(() => (mirrored() - before.mirrored >= 1 ? true : undefined), 'the mirror copy of the small body')
    expect(primary() - before.primary).toBe(3) // the try and two retries, each with the whole body

    before = { mirrored: mirrored(), primary: primary() }
    const big = Buffer.alloc(2 * MiB, 'b')
    const once = await send('/fail', big)
    expect(once.statusCode).toBe(503)
    expect(await once.body.text()).toBe(String(2 * MiB))
    expect(primary() - before.primary).toBe(1)
    expect(mirrored() - before.mirrored).toBe(0)
    const cluster = mesh.workload('productpage-v1').outbound.clusters.list().find((c) => c.name.includes('|v1|uploads'))!
    expect(cluster.counters.get('retry_or_shadow_abandoned')).toBe(1)
  })
})
