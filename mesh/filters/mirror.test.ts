import { describe, expect, test } from 'vitest'
import { ManualClock } from '../clock.ts'
import { mirror, shadowAuthority } from './mirror.ts'
import { draws, get, stubUpstream } from '../../test/support/requests.ts'

describe('mirror', () => {
  test('sends a shadow copy with Host <host>-shadow, unsampled, and answers with the primary only', async () => {
    const primary = stubUpstream(200)
    const shadow = stubUpstream(500)
    const handler = mirror([{ percent: 100, handler: shadow.handler }], { random: draws(0.5), clock: new ManualClock() })(primary.handler)
    const res = await handler(get('/headers', { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }, 'httpbin:8000'))
    expect(res.status).toBe(200)
    expect(shadow.calls).toHaveLength(1)
    expect(shadow.calls[0]!.authority).toBe('httpbin-shadow:8000')
    expect(shadow.calls[0]!.headers.host).toBe('httpbin-shadow:8000')
    expect(shadow.calls[0]!.headers.traceparent).toMatch(/-00$/)
    expect(shadow.calls[0]!.info.mirrored).toBe(true)
  })

  test('a failing or hanging mirror never delays the primary', async () => {
    const hanging = { handler: () => new Promise<never>(() => {}), percent: 100 }
    const failing = { handler: () => Promise.reject(new Error('down')), percent: 100 }
    const res = await mirror([hanging, failing], { random: draws(0), clock: new ManualClock() })(stubUpstream(200).handler)(get('/'))
    expect(res.status).toBe(200)
  })

  test('mirrorPercentage samples per request', async () => {
    const shadow = stubUpstream(200)
    const handler = mirror([{ percent: 50, handler: shadow.handler }], { random: draws(0.1, 0.9, 0.3, 0.6), clock: new ManualClock() })(stubUpstream(200).handler)
    for (let i = 0; i < 4; i++) await handler(get('/'))
    expect(shadow.calls).toHaveLength(2)
  })

  test('the suffix goes before any port', () => {
    expect(shadowAuthority('cluster-1')).toBe('cluster-1-shadow')
    expect(shadowAuthority('reviews:9080')).toBe('reviews-shadow:9080')
  })
})
