/** The upstream exchange and the listener's cancellation, over real sockets on 127.0.0.1 (ephemeral ports). */
import { once } from 'node:events'
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Readable } from 'node:stream'
import { text } from 'node:stream/consumers'
import { afterEach, describe, expect, test } from 'vitest'
import { systemClock } from '../clock.ts'
import { Cancel } from '../filter.ts'
import { get } from '../../test/support/requests.ts'
import { startListener, type Exchange } from './listener.ts'
import { openPool, sendUpstream } from './upstream-pool.ts'
import { exchange } from './upstream-exchange.ts'
import { routeTimeout } from '../filters/timeout.ts'
import { UpstreamFailure } from '../upstream-failure.ts'

/** An upstream whose handler the test drives: each request is handed over, with a promise of its close. */
async function upstream() {
  const arrived: Array<{ req: IncomingMessage; res: ServerResponse; closed: Promise<unknown> }> = []
  const waiting: Array<() => void> = []
  const server: Server = createServer((req, res) => {
    arrived.push({ req, res, closed: once(res, 'close') })
    waiting.shift()?.()
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** The next request to arrive (or the one already waiting). */
    async next() {
      if (arrived.length === 0) await new Promise<void>((resolve) => waiting.push(resolve))
      return arrived.shift()!
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve()).closeAllConnections()),
  }
}

/** An upstream and a sidecar-style pool to it, both closed after the test. */
async function upstreamWithPool() {
  const server = await upstream()
  const pool = openPool(server.address)
  closers.push(() => server.close(), () => pool.close())
  return { server, pool }
}

const closers: Array<() => Promise<unknown>> = []
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close()
})

describe('Cancel', () => {
  test('listeners run once; an unregistered one not at all; a signal asked for later is already aborted', () => {
    const cancel = new Cancel()
    const seen: unknown[] = []
    cancel.onAbort((r) => seen.push(['a', r]))
    const off = cancel.onAbort((r) => seen.push(['b', r]))
    off()
    cancel.abort('first')
    cancel.abort('second')
    expect(seen).toEqual([['a', 'first']])
    expect(cancel.aborted).toBe(true)
    expect(cancel.signal.aborted).toBe(true)
    expect(cancel.signal.reason).toBe('first')
    cancel.onAbort((r) => seen.push(['late', r]))
    expect(seen.at(-1)).toEqual(['late', 'first'])
  })
})

describe('upstream exchange', () => {
  test('a cancel before the response headers rejects with its reason and closes the upstream request', async () => {
    const { server, pool } = await upstreamWithPool()
    const cancel = new Cancel()
    const pending = exchange(pool, { ...get('/slow'), cancel })
    const held = await server.next()
    cancel.abort(new Error('caller went away'))
    await expect(pending).rejects.toThrow('caller went away')
    await held.closed
  })

  test('a cancel while the body streams destroys the body and the upstream request', async () => {
    const { server, pool } = await upstreamWithPool()
    const cancel = new Cancel()
    const pending = exchange(pool, { ...get('/stream'), cancel })
    const held = await server.next()
    held.res.writeHead(200, { 'content-type': 'text/plain' })
    held.res.write('first chunk')
    const reply = await pending
    expect(reply.status).toBe(200)
    expect(reply.headers['content-type']).toBe('text/plain')
    const failed = once(streamed(reply.body), 'error')
    cancel.abort(new Error('caller went away'))
    expect(String(((await failed) as Error[])[0])).toContain('caller went away')
    await held.closed
  })

  test('1 MB bodies arrive whole, one after the other, through back-pressure', async () => {
    const { server, pool } = await upstreamWithPool()
    const big = 'x'.repeat(1024 * 1024)
    for (let i = 0; i < 2; i++) {
      const pending = exchange(pool, { ...get('/big'), cancel: new Cancel() })
      ;(await server.next()).res.end(big)
      const reply = await pending
      expect((await text(streamed(reply.body))).length).toBe(big.length)
    }
  })

  test('a small body of known length arrives whole, as one Buffer; a chunked one streams', async () => {
    const { server, pool } = await upstreamWithPool()
    const small = exchange(pool, { ...get('/small'), cancel: new Cancel() })
    const held = await server.next()
    held.res.writeHead(200, { 'content-length': '11' })
    held.res.write('hello ')
    held.res.end('world')
    const whole = await small
    expect(Buffer.isBuffer(whole.body) && whole.body.toString()).toBe('hello world')

    const chunked = exchange(pool, { ...get('/chunked'), cancel: new Cancel() })
    const second = (await server.next()).res
    second.write('no ') // written before the end: no content-length, so chunked
    second.end('length')
    const reply = await chunked
    expect(await text(streamed(reply.body))).toBe('no length')
  })

  test('an upstream that fails after its headers gives the headers, what came of the body, then the error', async () => {
    const { server, pool } = await upstreamWithPool()
    const pending = exchange(pool, { ...get('/cut'), cancel: new Cancel() })
    const held = await server.next()
    held.res.writeHead(200, { 'content-length': '100' })
    held.res.write('only ten b', () => held.res.socket?.destroy())
    const reply = await pending
    expect(reply.status).toBe(200)
    const body = streamed(reply.body)
    const received: string[] = []
    body.on('data', (chunk: Buffer) => received.push(chunk.toString()))
    await once(body, 'error').catch(() => {})
    expect(received.join('')).toBe('only ten b')
  })

  test('a cancel while a small body is still being collected rejects with its reason', async () => {
    const { server, pool } = await upstreamWithPool()
    const cancel = new Cancel()
    let headersArrived!: () => void
    const arrived = new Promise<void>((resolve) => (headersArrived = resolve))
    const pending = exchange(pool, { ...get('/half'), cancel }, () => headersArrived())
    const held = await server.next()
    held.res.writeHead(200, { 'content-length': '100' })
    held.res.write('half')
    await arrived
    cancel.abort(new Error('timed out'))
    await expect(pending).rejects.toThrow('timed out')
    await held.closed
  })
})

/** The body as a stream (these tests' bodies have no length, so they stream). */
function streamed(body: Buffer | Readable): Readable {
  if (Buffer.isBuffer(body)) throw new Error('expected a streamed body, got a whole one')
  return body
}

describe('listener: a caller that goes away', () => {
  test('cancels the upstream call, and the exchange is reported with DC', async () => {
    const { server, pool } = await upstreamWithPool()
    let reported!: (e: Exchange) => void
    const completed = new Promise<Exchange>((resolve) => (reported = resolve))
    const listener = await startListener({ clock: systemClock(), handler: (req) => sendUpstream(pool, req, systemClock()), onComplete: (e) => reported(e) })
    closers.push(() => listener.close())
    const client = httpRequest({ host: '127.0.0.1', port: listener.port, path: '/held' })
    client.on('error', () => {})
    client.end()
    const held = await server.next()
    client.destroy() // the caller gives up while the upstream still holds the request
    await held.closed // … and the sidecar cancels its upstream call
    expect([...(await completed).request.info.flags]).toContain('DC')
  })
})

describe('route timeout over a real upstream', () => {
  test('covers a small body until its last byte, as Envoy times the whole response', async () => {
    const { server, pool } = await upstreamWithPool()
    const clock = systemClock()
    const timed = routeTimeout(100, clock)((req) => sendUpstream(pool, req, clock))
    const pending = timed({ ...get('/trickle'), cancel: new Cancel() }).catch((e: unknown) => e)
    const held = await server.next()
    held.res.writeHead(200, { 'content-length': '100' })
    held.res.write('ten bytes.') // in time, like the headers; the other 90 never come
    const outcome = await pending
    expect(outcome).toBeInstanceOf(UpstreamFailure)
    expect((outcome as UpstreamFailure).kind).toBe('route-timeout')
    await held.closed // the upstream request was cancelled
  })
})
