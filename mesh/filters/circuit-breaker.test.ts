import { describe, expect, test } from 'vitest'
import { ManualClock } from '../clock.ts'
import { BreakerState, breakerLimits, circuitBreaker } from './circuit-breaker.ts'
import { UpstreamFailure } from '../upstream-failure.ts'
import { get } from '../../test/support/requests.ts'
import { Counters } from '../telemetry/counters.ts'
import type { Handler } from '../filter.ts'

/** An upstream whose responses the test releases one by one. */
function heldUpstream() {
  const waiting: Array<() => void> = []
  const handler: Handler = () => new Promise((resolve) => waiting.push(() => resolve({ status: 200, headers: {}, body: 'ok' })))
  return { handler, waiting }
}

const settle = (p: Promise<unknown>) => p.then((r) => r, (e) => e)

describe('circuit breaker (connectionPool)', () => {
  test('maxConnections busy + http1MaxPendingRequests queued, the rest overflow at once (UO)', async () => {
    const clock = new ManualClock()
    const counters = new Counters()
    const state = new BreakerState(breakerLimits({ tcp: { maxConnections: 1 }, http: { http1MaxPendingRequests: 1 } }), clock)
    const upstream = heldUpstream()
    const handler = circuitBreaker(state, clock, counters)(upstream.handler)
    const first = settle(handler(get('/')))
    const second = settle(handler(get('/')))
    const third = await settle(handler(get('/')))
    expect(third).toBeInstanceOf(UpstreamFailure)
    expect((third as UpstreamFailure).reply).toMatchObject({ status: 503, flag: 'UO' })
    expect((third as UpstreamFailure).reply.body).toContain('reset reason: overflow')
    expect(counters.get('upstream_rq_pending_overflow')).toBe(1)
    await clock.advance(0)
    expect(upstream.waiting).toHaveLength(1) // the second waits for the connection
    upstream.waiting[0]!()
    await expect(first).resolves.toMatchObject({ status: 200 })
    await clock.advance(0)
    expect(upstream.waiting).toHaveLength(2)
    upstream.waiting[1]!()
    await expect(second).resolves.toMatchObject({ status: 200 })
    expect(state.busyConnections).toBe(0)
    expect(state.active).toBe(0)
  })

  test('http2MaxRequests caps active requests', async () => {
    const clock = new ManualClock()
    const state = new BreakerState(breakerLimits({ http: { http2MaxRequests: 2 } }), clock)
    const handler = circuitBreaker(state, clock)(heldUpstream().handler)
    void settle(handler(get('/')))
    void settle(handler(get('/')))
    expect(await settle(handler(get('/')))).toBeInstanceOf(UpstreamFailure)
  })

  /** Istio's task's limits; one request held 100 ms then answered, one queued behind it: the reconnect window (5 ms) is open. */
  async function reconnecting() {
    const clock = new ManualClock()
    const state = new BreakerState(breakerLimits({ tcp: { maxConnections: 1 }, http: { http1MaxPendingRequests: 1, maxRequestsPerConnection: 1 } }), clock)
    const upstream = heldUpstream()
    const handler = circuitBreaker(state, clock)(upstream.handler)
    const a = settle(handler(get('/')))
    void settle(handler(get('/')))
    await clock.advance(100)
    upstream.waiting[0]!()
    await a
    return { clock, state, upstream, handler }
  }

  test('with maxRequestsPerConnection 1 a queued request keeps its queue slot while reconnecting', async () => {
    const { clock, state, upstream } = await reconnecting()
    // The first client is back at once, but the queued request is still waiting for its new connection.
    await clock.advance(4)
    expect(upstream.waiting).toHaveLength(1)
    await clock.advance(1)
    expect(upstream.waiting).toHaveLength(2)
    expect(state.pending).toBe(0)
  })

  test('an overflow during the reconnect window ends it: one reconnect costs at most one 503', async () => {
    const { clock, state, upstream, handler } = await reconnecting()
    // The first client is back before the new connection is up: its request finds the queue slot taken.
    expect(await settle(handler(get('/')))).toBeInstanceOf(UpstreamFailure)
    await Promise.resolve()
    expect(upstream.waiting).toHaveLength(2) // the queued request got its connection at once
    // The same client, straight back after its 503, now queues instead of overflowing again.
    void settle(handler(get('/')))
    expect(state.pending).toBe(1)
    expect(clock.pendingTimers()).toBe(0)
  })

  test('unlimited by default', async () => {
    const clock = new ManualClock()
    const state = new BreakerState(breakerLimits(undefined), clock)
    const handler = circuitBreaker(state, clock)(heldUpstream().handler)
    const results = Array.from({ length: 100 }, () => handler(get('/')))
    expect(state.active).toBe(100)
    void results
  })
})
