import { describe, expect, test } from 'vitest'
import { ManualClock } from '../clock.ts'
import { retry, retryBudget, MESH_DEFAULT_RETRY, backoffMs, isRetriable } from './retry.ts'
import { UpstreamFailure } from '../upstream-failure.ts'
import { draws, get, stubUpstream } from '../../test/support/requests.ts'
import type { HTTPRetry, RetryCondition } from '../control/types.ts'
import { Counters } from '../telemetry/counters.ts'

const policy = (attempts: number, retryOn: RetryCondition[], codes: number[] = []): HTTPRetry => ({
  attempts,
  retryOn: new Set(retryOn),
  retriableStatusCodes: new Set(codes),
  retryIgnorePreviousHosts: true,
  backoffMs: 25,
})

/** Runs a request through the retry filter, advancing virtual time until it settles. */
async function run(p: HTTPRetry, upstream: ReturnType<typeof stubUpstream>, budget = retryBudget()) {
  const clock = new ManualClock()
  const counters = new Counters()
  const req = get('/ratings/0')
  const pending = retry(p, { clock, random: draws(0.5), budget, counters })(upstream.handler)(req)
  let settled = false
  const result = pending.then(
    (res) => ((settled = true), res),
    (err) => ((settled = true), err),
  )
  for (let i = 0; i < 100 && !settled; i++) await clock.advance(50)
  return { result: await result, req, counters, clock }
}

describe('retry', () => {
  test('attempts counts retries: 1 + attempts tries, then URX with the last answer', async () => {
    const upstream = stubUpstream(503)
    const { result, req, counters } = await run(policy(3, ['5xx']), upstream)
    expect(upstream.calls).toHaveLength(4)
    expect(result).toMatchObject({ status: 503 })
    expect(req.info.flags.has('URX')).toBe(true)
    expect(req.info.attempts).toBe(4)
    expect(counters.get('upstream_rq_retry')).toBe(3)
    expect(upstream.calls.map((c) => c.headers['x-envoy-attempt-count'])).toEqual(['1', '2', '3', '4'])
  })

  test('a retried failure that then succeeds returns the success without flags', async () => {
    const upstream = stubUpstream(503, 503, 200)
    const { result, req } = await run(policy(3, ['5xx']), upstream)
    expect(result).toMatchObject({ status: 200 })
    expect(req.info.flags.size).toBe(0)
  })

  test('the mesh default retries connect failures but not an app 503', async () => {
    const refused = stubUpstream('connect-failure', 200)
    expect((await run(MESH_DEFAULT_RETRY, refused)).result).toMatchObject({ status: 200 })
    expect(refused.calls).toHaveLength(2)
    const app503 = stubUpstream(503, 200)
    expect((await run(MESH_DEFAULT_RETRY, app503)).result).toMatchObject({ status: 503 })
    expect(app503.calls).toHaveLength(1)
  })

  test('exhausted failures are rethrown with URX added', async () => {
    const upstream = stubUpstream('connect-failure')
    const { result, req } = await run(MESH_DEFAULT_RETRY, upstream)
    expect(result).toBeInstanceOf(UpstreamFailure)
    expect(upstream.calls).toHaveLength(3)
    expect(req.info.flags.has('URX')).toBe(true)
  })

  test('overflow, route timeouts and no healthy upstream are never retried', async () => {
    for (const kind of ['overflow', 'route-timeout', 'no-healthy-upstream'] as const) {
      const upstream = stubUpstream(kind)
      await run(policy(5, ['5xx', 'reset', 'connect-failure', 'gateway-error']), upstream)
      expect(upstream.calls).toHaveLength(1)
    }
  })

  test('per-try timeouts are retried only on 5xx, gateway-error or reset', () => {
    const timeout = { ok: false as const, err: new UpstreamFailure('per-try-timeout') }
    expect(isRetriable(policy(1, ['connect-failure']), timeout)).toBe(false)
    expect(isRetriable(policy(1, ['gateway-error']), timeout)).toBe(true)
    expect(isRetriable(policy(1, ['reset']), timeout)).toBe(true)
  })

  test('bare status codes and retriable-4xx (409 only)', () => {
    const res = (status: number) => ({ ok: true as const, res: { status, headers: {}, body: null } })
    expect(isRetriable(policy(1, ['retriable-status-codes'], [418]), res(418))).toBe(true)
    expect(isRetriable(policy(1, ['retriable-4xx']), res(409))).toBe(true)
    expect(isRetriable(policy(1, ['retriable-4xx']), res(404))).toBe(false)
    expect(isRetriable(policy(1, ['gateway-error']), res(500))).toBe(false)
    expect(isRetriable(policy(1, ['gateway-error']), res(502))).toBe(true)
  })

  test('a full retry budget stops retrying (upstream_rq_retry_overflow)', async () => {
    const budget = retryBudget(0)
    const upstream = stubUpstream(503)
    const { result, counters } = await run(policy(3, ['5xx']), upstream, budget)
    expect(result).toMatchObject({ status: 503 })
    expect(upstream.calls).toHaveLength(1)
    expect(counters.get('upstream_rq_retry_overflow')).toBe(1)
  })

  test("a retry the budget refuses flags UO (Envoy's UpstreamOverflow) and returns that try's answer", async () => {
    const answered = stubUpstream(503)
    const { result, req } = await run(policy(3, ['5xx']), answered, retryBudget(0))
    expect(result).toMatchObject({ status: 503, body: 'status 503' })
    expect([...req.info.flags]).toEqual(['UO'])
    const failed = stubUpstream('connect-failure')
    const reset = await run(policy(3, ['connect-failure']), failed, retryBudget(0))
    expect(reset.result).toMatchObject({ kind: 'connect-failure' }) // becomes the try's own local reply (UF), UO added
    expect([...reset.req.info.flags]).toEqual(['UO'])
  })

  test('backoff is fully jittered and capped at 10 × base', () => {
    expect(backoffMs(1, 25, () => 0.999)).toBe(24)
    expect(backoffMs(2, 25, () => 0.999)).toBe(74)
    expect(backoffMs(10, 25, () => 0.999)).toBe(249)
    expect(backoffMs(3, 25, () => 0)).toBe(0)
  })

  test('retries avoid hosts already tried', async () => {
    const seen: string[][] = []
    const upstream = stubUpstream(async (req) => {
      seen.push([...(req.attempt?.triedHosts ?? [])])
      req.info.upstreamHost = `host-${seen.length}`
      return { status: 503, headers: {}, body: null }
    })
    await run(policy(2, ['5xx']), upstream)
    expect(seen).toEqual([[], ['host-1'], ['host-1', 'host-2']])
  })
})
