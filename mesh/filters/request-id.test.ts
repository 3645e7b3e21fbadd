import { describe, expect, test } from 'vitest'
import { randomSource } from '../random.ts'
import { get, stubUpstream } from '../../test/support/requests.ts'
import { requestId } from './request-id.ts'

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

describe('request-id', () => {
  test('a request without x-request-id gets a UUID v4, on the request and in the stream info', async () => {
    const upstream = stubUpstream(200)
    const req = get('/ratings/0')
    await requestId(randomSource(1).stream('p/request-id'))(upstream.handler)(req)
    const sent = upstream.calls[0]!.headers['x-request-id']
    expect(sent).toMatch(UUID_V4)
    expect(req.info.requestId).toBe(sent)
    expect(req.headers['x-request-id']).toBeUndefined() // the caller's request is not mutated
  })

  test('one that arrived with an id keeps it', async () => {
    const upstream = stubUpstream(200)
    const req = get('/ratings/0', { 'x-request-id': 'abc' })
    req.info.requestId = 'abc' // as the listener sets it
    await requestId(randomSource(1).stream('p/request-id'))(upstream.handler)(req)
    expect(upstream.calls[0]!.headers['x-request-id']).toBe('abc')
  })

  test('ids come from the seeded stream: the same seed replays them, different ones differ', async () => {
    const ids = async (seed: number) => {
      const upstream = stubUpstream(200)
      const filter = requestId(randomSource(seed).stream('p/request-id'))(upstream.handler)
      for (let i = 0; i < 50; i++) await filter(get('/'))
      return upstream.calls.map((c) => c.headers['x-request-id'])
    }
    const first = await ids(7)
    expect(new Set(first).size).toBe(50)
    expect(first.every((id) => UUID_V4.test(String(id)))).toBe(true)
    expect(await ids(7)).toEqual(first)
    expect((await ids(8))[0]).not.toBe(first[0])
  })
})
