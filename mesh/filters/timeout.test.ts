import { describe, expect, test } from 'vitest'
import { ManualClock } from '../clock.ts'
import { routeTimeout, perTryTimeout } from './timeout.ts'
import { UpstreamFailure } from '../upstream-failure.ts'
import { get } from '../../test/support/requests.ts'
import type { Handler } from '../filter.ts'

/** An upstream that answers after `ms` of virtual time, and records whether it was cancelled. */
function slowUpstream(clock: ManualClock, ms: number) {
  const state = { cancelled: false }
  const handler: Handler = async (req) => {
    req.cancel.onAbort(() => (state.cancelled = true))
    await clock.sleep(ms, req.cancel.signal)
    return { status: 200, headers: {}, body: 'ok' }
  }
  return { handler, state }
}

describe('route timeout', () => {
  test('answers 504 upstream request timeout (UT) and cancels the upstream call', async () => {
    const clock = new ManualClock()
    const upstream = slowUpstream(clock, 2000)
    const pending = routeTimeout(500, clock)(upstream.handler)(get('/'))
    const outcome = pending.catch((e) => e)
    await clock.advance(500)
    const err = await outcome
    expect(err).toBeInstanceOf(UpstreamFailure)
    expect(err.kind).toBe('route-timeout')
    expect(err.reply).toMatchObject({ status: 504, body: 'upstream request timeout', flag: 'UT' })
    expect(upstream.state.cancelled).toBe(true)
    expect(clock.pendingTimers()).toBe(0)
  })

  test('a fast answer disarms the timer without cancelling the response', async () => {
    const clock = new ManualClock()
    const upstream = slowUpstream(clock, 100)
    const pending = routeTimeout(500, clock)(upstream.handler)(get('/'))
    await clock.advance(100)
    await expect(pending).resolves.toMatchObject({ status: 200 })
    expect(upstream.state.cancelled).toBe(false)
    expect(clock.pendingTimers()).toBe(0)
  })

  test('no timeout configured means none (Istio disables it by default)', async () => {
    const clock = new ManualClock()
    const upstream = slowUpstream(clock, 60_000)
    const pending = routeTimeout(undefined, clock)(upstream.handler)(get('/'))
    await clock.advance(60_000)
    await expect(pending).resolves.toMatchObject({ status: 200 })
  })

  test('x-envoy-upstream-rq-timeout-ms overrides the route timeout', async () => {
    const clock = new ManualClock()
    const pending = routeTimeout(5000, clock)(slowUpstream(clock, 1000).handler)(get('/', { 'x-envoy-upstream-rq-timeout-ms': '200' })).catch((e) => e)
    await clock.advance(200)
    expect((await pending).kind).toBe('route-timeout')
  })

  test('the per-try timeout reports its own kind', async () => {
    const clock = new ManualClock()
    const pending = perTryTimeout(100, clock)(slowUpstream(clock, 1000).handler)(get('/')).catch((e) => e)
    await clock.advance(100)
    expect((await pending).kind).toBe('per-try-timeout')
  })

  test('a caller that goes away cancels the inner call with its reason and disarms the timer', async () => {
    const clock = new ManualClock()
    const upstream = slowUpstream(clock, 2000)
    const req = get('/')
    const pending = routeTimeout(500, clock)(upstream.handler)(req).catch((e) => e)
    req.cancel.abort(new Error('downstream closed'))
    expect(String(await pending)).toContain('downstream closed')
    expect(upstream.state.cancelled).toBe(true)
    expect(clock.pendingTimers()).toBe(0)
  })
})
