/** The admin API: loopback only unless allowed, bounded bodies, 4xx for malformed input. */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { request } from 'undici'
import { startTestMesh, type TestMesh } from '../support/mesh.ts'
import { startAdminServer, type AdminServer } from '../../sim/admin/admin-server.ts'
import { configRoutes } from '../../sim/admin/config-routes.ts'
import { loadRoutes } from '../../sim/admin/load-routes.ts'

describe('admin API hardening', () => {
  let mesh: TestMesh
  let admin: AdminServer
  const load = { close: async () => {} } as ReturnType<typeof loadRoutes>
  beforeAll(async () => {
    mesh = await startTestMesh({ toxiproxy: false })
    Object.assign(load, loadRoutes(mesh))
    admin = await startAdminServer(mesh, { port: 0, routes: [configRoutes(mesh), load.routes] })
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
})
