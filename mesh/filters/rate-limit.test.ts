import { describe, expect, test } from 'vitest'
import { ManualClock } from '../clock.ts'
import { get, stubUpstream } from '../../test/support/requests.ts'
import { localRateLimit, TokenBucketState } from './rate-limit.ts'

describe('local rate limit', () => {
  test('a full bucket serves maxTokens, then 429 RL until the next fill', async () => {
    const clock = new ManualClock()
    const bucket = new TokenBucketState({ maxTokens: 3, tokensPerFill: 2, fillIntervalMs: 1000 }, clock)
    const upstream = stubUpstream(200)
    const handler = localRateLimit([], bucket)(upstream.handler)
    const statuses = async (n: number) => {
      const out: number[] = []
      for (let i = 0; i < n; i++) out.push((await handler(get('/'))).status)
      return out
    }
    expect(await statuses(4)).toEqual([200, 200, 200, 429])
    await clock.advance(999)
    expect(await statuses(1)).toEqual([429])
    await clock.advance(1)
    expect(await statuses(3)).toEqual([200, 200, 429])
    await clock.advance(10_000) // never more than maxTokens
    expect(await statuses(4)).toEqual([200, 200, 200, 429])
    expect(upstream.calls).toHaveLength(8)
    expect(clock.pendingTimers()).toBe(0)
  })

  test('the reply is Envoy\'s: 429 local_rate_limited, flag RL, details', async () => {
    const clock = new ManualClock()
    const handler = localRateLimit([], new TokenBucketState({ maxTokens: 1, tokensPerFill: 1, fillIntervalMs: 1000 }, clock))(stubUpstream(200).handler)
    await handler(get('/'))
    const req = get('/')
    const res = await handler(req)
    expect(res).toMatchObject({ status: 429, body: 'local_rate_limited', headers: { 'x-local-rate-limit': 'true' } })
    expect([...req.info.flags]).toEqual(['RL'])
    expect(req.info.details).toBe('local_rate_limited')
  })

  test('at twice the fill rate about half the requests are limited', async () => {
    const clock = new ManualClock()
    const handler = localRateLimit([], new TokenBucketState({ maxTokens: 10, tokensPerFill: 10, fillIntervalMs: 1000 }, clock))(stubUpstream(200).handler)
    let limited = 0
    for (let i = 0; i < 200; i++) {
      if ((await handler(get('/'))).status === 429) limited++
      await clock.advance(50) // 20 rps against 10 per second
    }
    expect(limited / 200).toBeGreaterThan(0.4)
    expect(limited / 200).toBeLessThan(0.6)
  })

  test('a route bucket replaces the workload bucket; unmatched requests use the workload one', async () => {
    const clock = new ManualClock()
    const route = { matches: (req: { path: string }) => req.path.startsWith('/ratings'), bucket: new TokenBucketState({ maxTokens: 1, tokensPerFill: 1, fillIntervalMs: 1000 }, clock) }
    const handler = localRateLimit([route], undefined)(stubUpstream(200).handler)
    expect((await handler(get('/ratings/0'))).status).toBe(200)
    expect((await handler(get('/ratings/0'))).status).toBe(429)
    for (let i = 0; i < 5; i++) expect((await handler(get('/health'))).status).toBe(200)
  })
})
