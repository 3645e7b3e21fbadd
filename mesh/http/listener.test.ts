/** The listener over real sockets (127.0.0.1, ephemeral ports): bodies, telemetry, and a bug costing one request only. */
import { request } from 'undici'
import { afterEach, describe, expect, test } from 'vitest'
import { systemClock } from '../clock.ts'
import type { Handler } from '../filter.ts'
import { startListener, type Exchange, type Listener } from './listener.ts'

const open: Listener[] = []
afterEach(async () => {
  for (const l of open.splice(0)) await l.close()
})

async function listen(handler: Handler, onComplete?: (e: Exchange) => void, serverName?: string): Promise<string> {
  const listener = await startListener({ handler, clock: systemClock(), onComplete, serverName })
  open.push(listener)
  return `http://${listener.address}`
}

async function call(url: string, init: { method?: 'GET' | 'POST'; body?: string } = {}) {
  const res = await request(url, { method: init.method ?? 'GET', body: init.body, headersTimeout: 5000, bodyTimeout: 5000 })
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() }
}

describe('listener', () => {
  test('a request body reaches the handler whole; the exchange is reported with both sizes', async () => {
    const reported: Exchange[] = []
    const url = await listen(async (req) => ({ status: 201, headers: { 'content-type': 'text/plain' }, body: `got ${req.body?.toString()}` }), (e) => reported.push(e))
    const res = await call(`${url}/orders`, { method: 'POST', body: 'one book' })
    expect(res).toMatchObject({ status: 201, text: 'got one book' })
    expect(res.headers['content-length']).toBe('12')
    expect(reported).toHaveLength(1)
    expect(reported[0]).toMatchObject({ status: 201, requestBytes: 8, responseBytes: 12 })
    expect(reported[0]!.request).toMatchObject({ method: 'POST', path: '/orders' })
  })

  test('a handler that throws, synchronously or by rejecting, costs that request a 500 and nothing else', async () => {
    let calls = 0
    const url = await listen((req) => {
      calls++
      if (req.path === '/sync') throw new Error('filter bug')
      if (req.path === '/async') return Promise.reject(new Error('async filter bug'))
      return Promise.resolve({ status: 200, headers: {}, body: 'fine' })
    })
    expect(await call(`${url}/sync`)).toMatchObject({ status: 500, text: 'internal error: filter bug' })
    expect(await call(`${url}/async`)).toMatchObject({ status: 500, text: 'internal error: async filter bug' })
    expect(await call(`${url}/ok`)).toMatchObject({ status: 200, text: 'fine' })
    expect(calls).toBe(3)
  })

  test('a response that cannot be written (an invalid header value) becomes a 500, and the listener keeps serving', async () => {
    const url = await listen(async (req) =>
      req.path === '/bad' ? { status: 200, headers: { 'x-broken': 'a\nb' }, body: 'never sent' } : { status: 200, headers: {}, body: 'fine' },
    )
    const bad = await call(`${url}/bad`)
    expect(bad.status).toBe(500)
    expect(bad.text).toMatch(/^internal error in sidecar: /)
    expect(await call(`${url}/ok`)).toMatchObject({ status: 200, text: 'fine' })
  })

  test('request headers up to Envoy\'s 60 KiB pass; past it the answer is 431', async () => {
    const url = await listen(async (req) => ({ status: 200, headers: {}, body: String(req.path.length) }))
    const ok = await call(`${url}/q?${'a'.repeat(30 * 1024)}`)
    expect(ok).toMatchObject({ status: 200, text: String(30 * 1024 + 3) })
    const big = await call(`${url}/q?${'a'.repeat(100 * 1024)}`)
    expect(big.status).toBe(431)
  })

  test('server_name overwrites the upstream\'s own server header (OVERWRITE), on local replies too; without one nothing is added', async () => {
    const handler: Handler = async (req) =>
      req.path === '/throw' ? Promise.reject(new Error('bug')) : { status: 200, headers: { server: 'gunicorn' }, body: 'fine' }
    const named = await listen(handler, undefined, 'istio-envoy')
    expect((await call(`${named}/`)).headers.server).toBe('istio-envoy')
    expect((await call(`${named}/throw`)).headers.server).toBe('istio-envoy')
    const big = await call(`${named}/q?${'a'.repeat(100 * 1024)}`)
    expect(big).toMatchObject({ status: 431, headers: { server: 'istio-envoy' } })
    const plain = await listen(handler)
    expect((await call(`${plain}/`)).headers.server).toBe('gunicorn')
  })
})
