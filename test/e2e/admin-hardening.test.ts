/**
 * The admin API: loopback only unless allowed, bounded bodies, 4xx for malformed input, and 403 for
 * anything a web page could have sent (foreign Host or Origin, Sec-Fetch-Site, form body types).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { request } from 'undici'
import { startTestMesh, type TestMesh } from '../support/mesh.ts'
import { sample } from '../support/samples.ts'
import { startAdminServer, type AdminServer } from '../../sim/admin/admin-server.ts'
import { configRoutes } from '../../sim/admin/config-routes.ts'
import { loadRoutes } from '../../sim/admin/load-routes.ts'
import { propagationRoutes } from '../../sim/admin/propagation-routes.ts'
import { adminRequest } from '../../sim/cli/commands/admin-client.ts'

describe('admin API hardening', () => {
  let mesh: TestMesh
  let admin: AdminServer
  const load = { close: async () => {} } as ReturnType<typeof loadRoutes>
  beforeAll(async () => {
    mesh = await startTestMesh({ toxiproxy: false })
    Object.assign(load, loadRoutes(mesh))
    admin = await startAdminServer(mesh, { port: 0, routes: [configRoutes(mesh), load.routes, propagationRoutes(mesh.workloads)] })
  })
  afterAll(async () => {
    await admin.close()
    await load.close()
    await mesh.close()
  })

  const post = async (path: string, body: string | Buffer, type = 'application/json') => {
    const res = await request(`${admin.url}${path}`, { method: 'POST', headers: { 'content-type': type }, body })
    return { status: res.statusCode, text: await res.body.text() }
  }

  test('binds 127.0.0.1 and refuses 0.0.0.0 without allowRemote', async () => {
    expect(admin.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    await expect(startAdminServer(mesh, { port: 0, host: '0.0.0.0' })).rejects.toMatchObject({ code: 'MESH_REMOTE_BIND_REFUSED' })
  })

  test('malformed or oversized input gets a 4xx, and the server keeps serving', async () => {
    expect((await post('/load', '{"url": ')).status).toBe(400)
    expect((await post('/load', JSON.stringify({ url: 'http://ratings:9080/ratings/0', headers: { 'end-user': 7 } }))).status).toBe(400)
    expect((await post('/load', JSON.stringify({ url: 'not a url' }))).status).toBe(400)
    expect((await post('/apply', Buffer.alloc(2 * 1024 * 1024, 'a'), 'application/yaml')).status).toBe(413)
    expect((await post('/apply', 'kind: [', 'application/yaml')).status).toBe(400)
    expect((await post('/apply', 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: x}\nspec: {action: CUSTOM}\n', 'application/yaml')).status).toBe(400)
    const ready = await request(`${admin.url}/ready`)
    expect(ready.statusCode).toBe(200)
    await ready.body.dump()
  })

  describe('a web page cannot drive it', () => {
    const firefox = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'
    const vs = sample('virtual-service-all-v1.yaml')
    const names = () => mesh.config.list().map((r) => `${r.kind}/${r.meta.name}`).sort()
    const send = async (method: 'GET' | 'POST', path: string, headers: Record<string, string>, body?: string) => {
      const res = await request(`${admin.url}${path}`, { method, headers, body })
      return { status: res.statusCode, type: String(res.headers['content-type']), text: await res.body.text() }
    }
    /** Whether productpage forwards the trace: its call to details carries the ingress's trace id. */
    const propagating = async () => {
      mesh.records.length = 0
      expect((await mesh.page()).status).toBe(200)
      const trace = (from: string, to: string) => mesh.records.find((r) => r.reporter === 'source' && r.source.workload === from && r.destination.workload === to)?.span?.traceId
      const ingress = trace('istio-ingressgateway', 'productpage-v1')
      expect(ingress).toBeDefined()
      return trace('productpage-v1', 'details-v1') === ingress
    }

    test('POST /apply from a foreign Origin, with a form body type or Sec-Fetch-Site cross-site: 403, nothing applied', async () => {
      const before = names()
      expect(before).not.toContain('VirtualService/reviews')
      const attempts: [Record<string, string>, RegExp][] = [
        [{ origin: 'http://evil.example', 'user-agent': firefox, 'content-type': 'text/plain' }, /refused a request with Origin http:\/\/evil\.example: only the meshdojo CLI and local tools may call this API \(see docs\/security\.md\)/],
        [{ origin: 'http://evil.example', 'content-type': 'application/yaml' }, /Origin http:\/\/evil\.example/],
        [{ origin: 'null', 'content-type': 'application/yaml' }, /Origin null/],
        [{ origin: `http://localhost:${admin.port + 1}`, 'content-type': 'application/yaml' }, /Origin http:\/\/localhost/], // another local web app
        [{ 'user-agent': firefox, 'content-type': 'text/plain' }, /refused a POST with content-type text\/plain/],
        [{ 'content-type': 'text/plain;charset=UTF-8' }, /content-type text\/plain/], // what fetch() sends for a string body
        [{ 'content-type': 'application/x-www-form-urlencoded' }, /content-type application\/x-www-form-urlencoded.*application\/yaml/],
        [{ 'content-type': 'multipart/form-data; boundary=x' }, /content-type multipart\/form-data/],
        [{ 'sec-fetch-site': 'cross-site', 'content-type': 'application/yaml' }, /Sec-Fetch-Site cross-site/],
        [{ 'sec-fetch-site': 'same-site', 'content-type': 'application/yaml' }, /Sec-Fetch-Site same-site/],
      ]
      for (const [headers, why] of attempts) {
        const res = await send('POST', '/apply?file=evil.yaml', headers, vs)
        expect(res, JSON.stringify(headers)).toMatchObject({ status: 403, type: expect.stringMatching(/^text\/plain/), text: expect.stringMatching(/^meshdojo admin API: refused /) })
        expect(res.text, JSON.stringify(headers)).toMatch(why)
      }
      expect(names()).toEqual(before)
      expect(JSON.parse((await send('GET', '/config', {})).text)).not.toContainEqual(expect.objectContaining({ kind: 'VirtualService' }))
    })

    test('a foreign Host (DNS rebinding) is refused, GETs included', async () => {
      for (const host of ['evil.example', `evil.example:${admin.port}`, `127.0.0.1.evil.example:${admin.port}`, `[::2]:${admin.port}`, 'localhost:x']) {
        for (const path of ['/config', '/registry', '/stats', '/ready']) {
          const res = await send('GET', path, { host })
          expect(res.status, `${host} ${path}`).toBe(403)
          expect(res.text).toContain(`meshdojo admin API: refused a request with Host ${host}: this API answers to 127.0.0.1, localhost, [::1] only`)
        }
      }
      const res = await send('POST', '/apply', { host: `evil.example:${admin.port}`, 'content-type': 'application/yaml' }, vs)
      expect(res.status).toBe(403)
      expect(names()).not.toContain('VirtualService/reviews')
    })

    test('/reset and the trace-propagation switch from a foreign page: 403 and no effect; the CLI\'s requests work', async () => {
      expect(await propagating()).toBe(true)
      const foreign: Record<string, string>[] = [{ origin: 'http://evil.example' }, { 'content-type': 'application/x-www-form-urlencoded' }, { 'content-type': 'text/plain' }, { host: 'evil.example' }, { 'sec-fetch-site': 'cross-site' }]
      for (const headers of foreign) {
        const off = await send('POST', '/workloads/productpage-v1/trace-propagation?on=false', { 'user-agent': firefox, ...headers }, 'on=false')
        expect(off.status, JSON.stringify(headers)).toBe(403)
      }
      expect(await propagating()).toBe(true)
      // `meshdojo propagation productpage-v1 off` sends exactly this; a JSON body works too.
      const off = await adminRequest(admin.url, '/workloads/productpage-v1/trace-propagation?on=false', { method: 'POST' })
      expect(off.status).toBe(200)
      await off.body.dump()
      expect(await propagating()).toBe(false)
      const on = await adminRequest(admin.url, '/workloads/productpage-v1/trace-propagation', { method: 'POST', body: '{"on":true}', contentType: 'application/json' })
      expect(on.status).toBe(200)
      await on.body.dump()
      expect(await propagating()).toBe(true)

      // `meshdojo apply -f` sends exactly this.
      const applied = await adminRequest(admin.url, '/apply?file=virtual-service-all-v1.yaml', { method: 'POST', body: vs, contentType: 'application/yaml' })
      expect(applied.status).toBe(200)
      await applied.body.dump()
      const withVs = names()
      expect(withVs).toContain('VirtualService/reviews')
      for (const headers of [...foreign, { host: `evil.example:${admin.port}` }]) {
        const reset = await send('POST', '/reset', { 'user-agent': firefox, ...headers }, '')
        expect(reset.status, JSON.stringify(headers)).toBe(403)
        expect(names()).toEqual(withVs)
      }
      const reset = await adminRequest(admin.url, '/reset', { method: 'POST' })
      expect(reset.status).toBe(200)
      await reset.body.dump()
      expect(names()).not.toContain('VirtualService/reviews')
    })

    test('local callers are served: loopback Host names, the API\'s own Origin, Sec-Fetch-Site none, YAML and JSON bodies', async () => {
      const ok: Record<string, string>[] = [
        {},
        { host: `localhost:${admin.port}` },
        { host: 'LOCALHOST' },
        { host: `[::1]:${admin.port}` },
        { host: '127.0.0.1' },
        { origin: `http://127.0.0.1:${admin.port}` },
        { origin: `http://localhost:${admin.port}`, host: `localhost:${admin.port}` },
        { 'sec-fetch-site': 'none', 'user-agent': firefox }, // the user typed the URL
        { 'sec-fetch-site': 'same-origin' },
      ]
      for (const headers of ok) {
        const res = await send('GET', '/config', headers)
        expect(res.status, JSON.stringify(headers)).toBe(200)
      }
      for (const type of ['application/yaml', 'application/x-yaml', 'text/yaml', 'application/json']) {
        const dry = await send('POST', '/apply?dryRun=1', { 'content-type': type, origin: `http://127.0.0.1:${admin.port}` }, vs)
        expect(dry.status, type).toBe(200)
      }
      // No content type at all (undici's request() with a string body): not something a page sends without an Origin.
      expect((await send('POST', '/apply?dryRun=1', {}, vs)).status).toBe(200)
      // `meshdojo apply -f`'s exact request.
      const cli = await adminRequest(admin.url, '/apply?file=virtual-service-all-v1.yaml&dryRun=1', { method: 'POST', body: vs, contentType: 'application/yaml' })
      expect(cli.status).toBe(200)
      await cli.body.dump()
    })
  })
})
