/**
 * Load generators cancel many requests with one long-lived signal (the demo's stop, Ctrl-C, a step's
 * abort). Handing that signal to each request adds an 'abort' listener per request in flight, and past
 * 10 Node prints `MaxListenersExceededWarning: 11 abort listeners added to [AbortSignal]` (the demo at
 * 10 rps as jason behind a 6 s fault holds about 60). Over real sockets, with a server that holds every
 * request until enough are in flight: the listeners on any signal stay bounded, and no warning is printed.
 */
import { getEventListeners } from 'node:events'
import { once } from 'node:events'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Agent } from 'undici'
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import { ManualClock, systemClock } from '../../mesh/clock.ts'
import { sfc32 } from '../../mesh/random.ts'
import type { ScenarioSession } from '../scenario/session.ts'
import { sendTraffic } from '../scenario/send-traffic.ts'
import type { TrafficSpec } from '../scenario/types.ts'
import { startBackgroundLoad } from './background-load.ts'
import { runLoad } from './load-run.ts'

const IN_FLIGHT = 16 // more than Node's default of 10 listeners

/**
 * A server that answers no page until `IN_FLIGHT` requests wait, then calls `onFull` (the moment to
 * count listeners: every request is in flight) and answers them all. Logins are answered at once.
 */
async function holdingServer(onFull: () => void): Promise<{ url: string; close: () => Promise<void> }> {
  let waiting: ServerResponse[] = []
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/login') return void res.writeHead(200, { 'set-cookie': 'session=jason' }).end()
    waiting.push(res)
    if (waiting.length < IN_FLIGHT) return
    onFull()
    for (const r of waiting) r.end('page')
    waiting = []
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

let warnings: Error[]
const onWarning = (w: Error) => warnings.push(w)
/** Every AbortSignal something listened on during the test (vitest's own test signal aside). */
let signals: Set<AbortSignal>
beforeEach(() => {
  warnings = []
  signals = new Set()
  process.on('warning', onWarning)
  const add = AbortSignal.prototype.addEventListener
  vi.spyOn(AbortSignal.prototype, 'addEventListener').mockImplementation(function (this: AbortSignal, ...args: Parameters<AbortSignal['addEventListener']>) {
    const caller = new Error().stack?.split('\n').slice(2).find((frame) => !frame.includes('/@vitest/spy/'))
    if (!caller?.includes('/@vitest/runner/')) signals.add(this)
    return add.apply(this, args)
  })
})
afterEach(() => {
  process.off('warning', onWarning)
  vi.restoreAllMocks()
})

/** The most 'abort' listeners on any one signal right now. */
const mostListeners = () => Math.max(0, ...[...signals].map((s) => getEventListeners(s, 'abort').length))
const noMaxListenersWarning = () => expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning')

test(`the background load (jason, ${IN_FLIGHT} requests in flight) listens at most once on any signal`, async () => {
  let countedAtFull = -1
  const server = await holdingServer(() => (countedAtFull = mostListeners()))
  const clock = new ManualClock()
  const load = startBackgroundLoad({ target: server.url, rps: 20 * IN_FLIGHT, user: 'jason', clock, random: sfc32(1), maxInFlight: 64 })
  try {
    // One 50 ms tick fires rps/20 = IN_FLIGHT page loads at once.
    await clock.advance(50)
    await vi.waitFor(() => expect(countedAtFull).toBeGreaterThanOrEqual(0), { timeout: 10_000 })
    expect(load.sent).toBe(IN_FLIGHT)
    expect(countedAtFull).toBeLessThanOrEqual(1)
    countedAtFull = -1
    await clock.advance(50) // a second round: the first round's listeners are gone, not piling up
    await vi.waitFor(() => expect(countedAtFull).toBeGreaterThanOrEqual(0), { timeout: 10_000 })
    expect(load.sent).toBe(2 * IN_FLIGHT)
    expect(countedAtFull).toBeLessThanOrEqual(1)
    noMaxListenersWarning()
  } finally {
    await load.stop()
    await server.close()
  }
  expect(mostListeners()).toBe(0)
})

test(`runLoad with concurrency ${IN_FLIGHT} and a caller's signal listens at most once on any signal`, async () => {
  const stop = new AbortController()
  let countedAtFull = -1
  const server = await holdingServer(() => (countedAtFull = Math.max(getEventListeners(stop.signal, 'abort').length, mostListeners())))
  const agent = new Agent({ connections: IN_FLIGHT })
  try {
    const result = await runLoad({ url: `${server.url}/page`, dispatcher: agent, concurrency: IN_FLIGHT, requests: 3 * IN_FLIGHT, qps: 10_000, clock: systemClock(), signal: stop.signal })
    expect(result.codes).toEqual({ 200: 3 * IN_FLIGHT })
    expect(countedAtFull).toBeLessThanOrEqual(1)
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0)
    expect(mostListeners()).toBe(0)
    noMaxListenersWarning()
  } finally {
    await agent.close()
    await server.close()
  }
})

test(`a scenario step's traffic (concurrency ${IN_FLIGHT}, events) listens at most once on any signal`, async () => {
  const stop = new AbortController()
  let countedAtFull = -1
  const server = await holdingServer(() => (countedAtFull = Math.max(getEventListeners(stop.signal, 'abort').length, mostListeners())))
  const ingress = new Agent({ connections: IN_FLIGHT })
  const session = { mesh: { clock: systemClock(), ingressUrl: server.url }, ingress, cookie: async () => '' } as unknown as ScenarioSession
  const spec: TrafficSpec = {
    requests: 2 * IN_FLIGHT,
    durationMs: undefined,
    rps: 0,
    concurrency: IN_FLIGHT,
    user: 'anonymous',
    path: '/productpage',
    url: undefined,
    client: undefined,
    events: Array.from({ length: 12 }, (_, i) => ({ atMs: i, action: { kind: 'say' as const, text: `event ${i}` } })),
  }
  const ran: string[] = []
  try {
    const into: Parameters<typeof sendTraffic>[3] = []
    await sendTraffic(spec, 't', { session, runAction: async (a) => void ran.push(a.kind), signal: stop.signal }, into)
    expect(into.map((r) => r.status)).toEqual(Array(2 * IN_FLIGHT).fill(200))
    expect(ran).toHaveLength(12)
    expect(countedAtFull).toBeLessThanOrEqual(1)
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0)
    noMaxListenersWarning()
  } finally {
    await ingress.close()
    await server.close()
  }
})

test('stop() still cancels the background load requests in flight', async () => {
  const closed: Promise<unknown>[] = []
  const server = createServer((req, res) => {
    if (req.url === '/login') return void res.writeHead(200, { 'set-cookie': 'session=jason' }).end()
    closed.push(once(res, 'close')) // never answered
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const clock = new ManualClock()
  const load = startBackgroundLoad({ target: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, rps: 80, user: 'jason', clock, random: sfc32(1) })
  try {
    await clock.advance(50) // 4 page loads
    await vi.waitFor(() => expect(closed).toHaveLength(4))
    await load.stop()
    await Promise.all(closed)
    expect(mostListeners()).toBe(0)
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
})
