import { afterAll, afterEach, beforeAll, expect, test, vi } from 'vitest'
import { startApp, type RunningApp } from '../serve.ts'
import { call } from '../testing/http.ts'
import { watchTimer } from '../testing/timers.ts'
import { createHttpbin } from './app.ts'
import { titleCase } from './echo.ts'

let httpbin: RunningApp
beforeAll(async () => { httpbin = await startApp(createHttpbin({ version: 'v2' })) })
afterAll(() => httpbin.close())
afterEach(() => { vi.restoreAllMocks() })

test('header names come out in Title-Case, like werkzeug', () => {
  expect(titleCase('x-b3-traceid')).toBe('X-B3-Traceid')
  expect(titleCase('x-request-id')).toBe('X-Request-Id')
  expect(titleCase('user-agent')).toBe('User-Agent')
})

test('/get echoes args, headers, origin and url', async () => {
  const res = await call(`${httpbin.url}/get?a=1&b=2&b=3`, { headers: { 'x-b3-traceid': 'abc', 'user-agent': 'fortio' } })
  expect(res.status).toBe(200)
  const body = res.json() as Record<string, unknown>
  expect(body).toEqual({
    args: { a: '1', b: ['2', '3'] },
    headers: expect.objectContaining({ 'X-B3-Traceid': 'abc', 'User-Agent': 'fortio', Host: `127.0.0.1:${httpbin.port}` }),
    origin: '127.0.0.1',
    url: `${httpbin.url}/get?a=1&b=2&b=3`,
  })
})

test('/anything reports method, data and json, on any path below it', async () => {
  const res = await call(`${httpbin.url}/anything/deep/path`, {
    method: 'POST', body: '{"x":1}', headers: { 'content-type': 'application/json' },
  })
  expect(res.json()).toMatchObject({ method: 'POST', data: '{"x":1}', json: { x: 1 }, args: {}, url: `${httpbin.url}/anything/deep/path` })
  expect((await call(`${httpbin.url}/anything`)).json()).toMatchObject({ method: 'GET', data: '', json: null })
  const form = await call(`${httpbin.url}/anything`, {
    method: 'POST', body: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' },
  })
  expect(form.json()).toMatchObject({ form: { a: '1' }, data: '' })
})

test('/headers, /ip and the health and home pages', async () => {
  expect((await call(`${httpbin.url}/headers`, { headers: { 'x-forwarded-for': '10.0.0.9' } })).json())
    .toEqual({ headers: expect.objectContaining({ 'X-Forwarded-For': '10.0.0.9' }) })
  expect((await call(`${httpbin.url}/ip`)).json()).toEqual({ origin: '127.0.0.1' })
  expect((await call(`${httpbin.url}/health`)).json()).toEqual({ status: 'httpbin is healthy', version: 'v2' })
  expect((await call(`${httpbin.url}/`)).text).toContain('httpbin v2')
})

test('/status/:code answers that status with an empty body', async () => {
  for (const code of [200, 418, 503]) {
    const res = await call(`${httpbin.url}/status/${code}`)
    expect(res.status).toBe(code)
    expect(res.text).toBe('')
  }
  expect((await call(`${httpbin.url}/status/abc`)).status).toBe(400)
})

test('/delay/0 answers like /get', async () => {
  expect((await call(`${httpbin.url}/delay/0?x=1`)).json()).toMatchObject({ args: { x: '1' }, origin: '127.0.0.1' })
})

test('/delay caps at 10 s, and clears its timer when the client goes away', async () => {
  const timer = watchTimer(10_000)
  const client = new AbortController()
  const pending = call(`${httpbin.url}/delay/60`, { signal: client.signal })
  await timer.armed
  client.abort()
  await expect(pending).rejects.toThrow()
  await timer.cleared
})
