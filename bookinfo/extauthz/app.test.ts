import { afterAll, beforeAll, expect, test } from 'vitest'
import { startApp, type RunningApp } from '../serve.ts'
import { call } from '../testing/http.ts'
import { createExtAuthz, DENY_BODY } from './app.ts'

let authz: RunningApp
beforeAll(async () => { authz = await startApp(createExtAuthz()) })
afterAll(() => authz.close())

test("allows iff x-ext-authz: allow, on any method and path, as Istio's sample does", async () => {
  const allowed = await call(`${authz.url}/headers`, { headers: { 'x-ext-authz': 'allow' } })
  expect(allowed).toMatchObject({ status: 200, text: '' })
  expect(allowed.headers['x-ext-authz-check-result']).toBe('allowed')
  expect((await call(`${authz.url}/check/anything?x=1`, { method: 'POST', body: 'b', headers: { 'x-ext-authz': 'allow' } })).status).toBe(200)
  for (const headers of [{ 'x-ext-authz': 'deny' }, { 'x-ext-authz': 'Allow' }, {}] as Record<string, string>[]) {
    const denied = await call(`${authz.url}/headers`, { headers })
    expect(denied).toMatchObject({ status: 403, text: 'denied by ext_authz for not found header `x-ext-authz: allow` in the request' })
    expect(denied.headers).toMatchObject({ 'x-ext-authz-check-result': 'denied', 'content-type': 'text/plain; charset=utf-8' })
  }
  expect(DENY_BODY).toBe('denied by ext_authz for not found header `x-ext-authz: allow` in the request')
})

test('echoes the override header and reports what it received, as Go prints it', async () => {
  const res = await call(`${authz.url}/headers?a=1`, { method: 'POST', body: 'hi', headers: { 'x-ext-authz': 'deny', 'x-ext-authz-additional-header-override': 'o', 'x-b': 'two' } })
  expect(res.headers['x-ext-authz-additional-header-override']).toBe('o')
  const host = `127.0.0.1:${authz.port}`
  expect(res.headers['x-ext-authz-check-received']).toBe(
    `POST ${host}/headers?a=1, headers: map[Connection:[keep-alive] Content-Length:[2] X-B:[two] X-Ext-Authz:[deny] X-Ext-Authz-Additional-Header-Override:[o]], body: [hi]`,
  )
  // Go sets the override header even when the request has none: empty.
  expect((await call(`${authz.url}/`)).headers['x-ext-authz-additional-header-override']).toBe('')
})
