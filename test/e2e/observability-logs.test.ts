/** Access logs over a running Bookinfo: Istio's format per sidecar, JSON, follow streams, and the file. */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { request } from 'undici'
import { reportingWorkload } from '../../mesh/telemetry/access-log-format.ts'
import { eventually } from '../support/mesh.ts'
import { ISTIO_TEXT_LINE } from './telemetry-fixtures.ts'
import { startObservedMesh, type ObservedMesh } from './telemetry-harness.ts'

describe('access logs', () => {
  let m: ObservedMesh
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meshdojo-logs-'))
    m = await startObservedMesh({}, { accessLogFile: join(dir, 'access.log') })
  })
  afterAll(async () => {
    await m.close()
    await rm(dir, { recursive: true, force: true })
  })

  const pageLoaded = async () => {
    const before = m.mesh.records.length
    expect((await m.mesh.page()).status).toBe(200)
    await eventually(() => (m.mesh.records.slice(before).some((r) => r.source.workload === 'istio-ingressgateway' && r.reporter === 'source') ? true : undefined), 'the page load reported')
  }

  test("one line per record at each sidecar, Istio's TEXT format field by field", async () => {
    await pageLoaded()
    const { status, text, headers } = await m.get('/logs?workload=productpage-v1')
    expect(status).toBe(200)
    expect(String(headers['content-type'])).toMatch(/^text\/plain/)
    const lines = text.trimEnd().split('\n')
    expect(lines).toHaveLength(m.mesh.records.filter((r) => reportingWorkload(r) === 'productpage-v1').length)
    const fields = lines.map((l) => ISTIO_TEXT_LINE.exec(l)?.groups)
    for (const [i, f] of fields.entries()) expect(f, lines[i]).toBeDefined()
    const inbound = fields.find((f) => f!.upstreamCluster === 'inbound|9080||')!
    expect(inbound).toMatchObject({ method: 'GET', path: '/productpage', responseCode: '200', responseFlags: '-', responseCodeDetails: 'via_upstream', routeName: 'default' })
    expect(inbound.prefixWorkload).toBeUndefined()
    const outbound = fields.filter((f) => f!.upstreamCluster.startsWith('outbound|9080|'))
    expect(outbound.map((f) => f!.authority).sort()).toEqual(expect.arrayContaining(['details:9080', 'reviews:9080']))
    expect(new Set(fields.map((f) => f!.requestId)).size).toBe(1) // one page load, one x-request-id
    expect(Number(outbound[0]!.duration)).toBeLessThan(10_000)

    const mixed = (await m.get('/logs?tail=20')).text.trimEnd().split('\n')
    expect(mixed).toHaveLength(Math.min(20, m.mesh.records.length))
    for (const line of mixed) expect(ISTIO_TEXT_LINE.exec(line)?.groups?.prefixWorkload).toBeDefined()
    expect(mixed.some((l) => l.startsWith('[istio-ingressgateway outbound] '))).toBe(true)
    expect(mixed.some((l) => l.startsWith('[ratings-v1 inbound] ') || l.startsWith('[reviews-v1 inbound] ') || l.startsWith('[reviews-v2 inbound] ') || l.startsWith('[reviews-v3 inbound] '))).toBe(true)

    const json = (await m.get('/logs?workload=istio-ingressgateway&format=json')).text.trimEnd().split('\n').map((l) => JSON.parse(l))
    expect(json.at(-1)).toMatchObject({ method: 'GET', path: '/productpage', response_code: 200, upstream_cluster: 'outbound|9080||productpage.default.svc.cluster.local' })
    expect(json.at(-1)).not.toHaveProperty('workload')

    const unknown = await m.get('/logs?workload=nosuch')
    expect(unknown.status).toBe(404)
    expect(JSON.parse(unknown.text).workloads).toContain('istio-ingressgateway')
  })

  test('upstream service time never exceeds %DURATION%: both whole ms, truncated, from one clock', async () => {
    for (let i = 0; i < 20; i++) await pageLoaded()
    const lines = (await m.get('/logs')).text.trimEnd().split('\n')
    const timed = lines.map((l) => ISTIO_TEXT_LINE.exec(l)!.groups!).filter((f) => f.upstreamServiceTime !== '-')
    expect(timed.length).toBeGreaterThan(100)
    const longer = timed.filter((f) => Number(f.upstreamServiceTime) > Number(f.duration)).map((f) => `${f.upstreamCluster} ${f.duration} ${f.upstreamServiceTime}`)
    expect(longer).toEqual([])
  })

  test('?follow=1 streams new lines and stops when the client disconnects', async () => {
    const stop = new AbortController()
    const res = await request(`${m.admin.url}/logs?workload=details-v1&follow=1&tail=0`, { signal: stop.signal })
    expect(res.statusCode).toBe(200)
    expect(m.obs.logs.subscriberCount).toBe(1)
    const received: string[] = []
    const reading = (async () => {
      try {
        for await (const chunk of res.body) received.push(...String(chunk).split('\n').filter(Boolean))
      } catch {
        // aborted below
      }
    })()
    await pageLoaded()
    await pageLoaded()
    // details-v1's sidecar writes one line per page: its inbound side (it calls nothing).
    await eventually(() => (received.length >= 2 ? true : undefined), 'two streamed lines from details-v1')
    expect(received.map((l) => ISTIO_TEXT_LINE.exec(l)?.groups)).toEqual([
      expect.objectContaining({ path: '/details/0', upstreamCluster: 'inbound|9080||' }),
      expect.objectContaining({ path: '/details/0', upstreamCluster: 'inbound|9080||' }),
    ])
    stop.abort()
    await reading
    await eventually(() => (m.obs.logs.subscriberCount === 0 ? true : undefined), 'the subscription to close')
  })

  test('--access-log FILE gets every line, prefixed with whose it is', async () => {
    await pageLoaded()
    await eventually(async () => {
      const text = await readFile(join(dir, 'access.log'), 'utf8')
      return text.split('\n').filter(Boolean).length >= m.mesh.records.length ? text : undefined
    }, 'the file to catch up')
    const lines = (await readFile(join(dir, 'access.log'), 'utf8')).trimEnd().split('\n')
    expect(lines).toHaveLength(m.mesh.records.length)
    for (const line of lines) expect(ISTIO_TEXT_LINE.exec(line)?.groups?.prefixDirection).toMatch(/^(inbound|outbound)$/)
    expect(m.obs.accessLogFile?.dropped).toBe(0)
  })
})
