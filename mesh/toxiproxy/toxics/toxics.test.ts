/** Each toxic as a transformer on virtual time: exact release times, no sockets, seeded draws. */
import { describe, expect, test } from 'vitest'
import { ManualClock } from '../../clock.ts'
import { ChunkChannel, channelReader } from '../channel.ts'
import { bandwidthKind } from './bandwidth.ts'
import { latencyKind } from './latency.ts'
import { limitDataKind } from './limit-data.ts'
import { resetPeerKind } from './reset-peer.ts'
import { slicerKind, sliceEnds } from './slicer.ts'
import { slowCloseKind } from './slow-close.ts'
import { timeoutKind } from './timeout.ts'
import type { ToxicKind } from './types.ts'

/** Runs one toxic over a channel on a ManualClock, recording what comes out and when. */
function harness(kind: ToxicKind, attributes: Record<string, number>, random = () => 0.5) {
  const clock = new ManualClock()
  const input = new ChunkChannel(1024)
  const run = new AbortController()
  const closed = new AbortController()
  const out: Array<{ text: string; at: number }> = []
  let ended = false
  let endRequested = false
  const state: Record<string, number> = {}
  const toxic = kind.create(attributes)
  const done = (async () => {
    const ctx = { clock, random, signal: run.signal, closed: closed.signal, state, endStream: () => (endRequested = true) }
    for await (const chunk of toxic(channelReader(input, run.signal), ctx)) out.push({ text: chunk.data.toString(), at: clock.now() })
    ended = true
  })()
  return {
    clock,
    out,
    state,
    send: (text: string) => input.push({ data: Buffer.from(text), receivedAt: clock.now() }),
    end: () => input.end(),
    interrupt: () => {
      run.abort()
      input.interrupt()
    },
    ended: () => ended,
    endRequested: () => endRequested,
    done,
    input,
  }
}

describe('latency', () => {
  test('releases each chunk latency ms after it was read, pipelined', async () => {
    const h = harness(latencyKind, { latency: 100 })
    h.send('a')
    await h.clock.advance(10)
    h.send('b')
    await h.clock.advance(10)
    h.send('c')
    await h.clock.advance(79)
    expect(h.out).toEqual([])
    await h.clock.advance(1)
    expect(h.out).toEqual([{ text: 'a', at: 100 }])
    await h.clock.advance(20)
    expect(h.out.map((o) => o.at)).toEqual([100, 110, 120])
    h.end()
    await h.done
    expect(h.clock.pendingTimers()).toBe(0)
  })

  test('jitter is uniform in [-jitter, +jitter)', async () => {
    const low = harness(latencyKind, { latency: 100, jitter: 30 }, () => 0)
    low.send('x')
    await low.clock.advance(70)
    expect(low.out).toEqual([{ text: 'x', at: 70 }])
    const high = harness(latencyKind, { latency: 100, jitter: 30 }, () => 0.9999)
    high.send('x')
    await high.clock.advance(129)
    expect(high.out).toEqual([{ text: 'x', at: 129 }])
  })

  test('an interruption forwards the held chunk at once and leaves the rest queued', async () => {
    const h = harness(latencyKind, { latency: 1000 })
    h.send('a')
    h.send('b')
    await h.clock.advance(10)
    h.interrupt()
    await h.done
    expect(h.out).toEqual([{ text: 'a', at: 10 }])
    expect(h.input.size).toBe(1)
    expect(h.clock.pendingTimers()).toBe(0)
  })
})

describe('bandwidth', () => {
  test('rate 1 KB/s: 250 bytes go out as 100-byte pieces every 100 ms, the rest when the debt is paid', async () => {
    const h = harness(bandwidthKind, { rate: 1 })
    h.send('x'.repeat(250))
    await h.clock.advance(100)
    expect(h.out.map((o) => [o.text.length, o.at])).toEqual([[100, 100]])
    await h.clock.advance(100)
    await h.clock.advance(50)
    expect(h.out.map((o) => [o.text.length, o.at])).toEqual([
      [100, 100],
      [100, 200],
      [50, 250],
    ])
  })

  test('debt carries over between chunks', async () => {
    const h = harness(bandwidthKind, { rate: 10 }) // 10 bytes per ms
    h.send('x'.repeat(500))
    h.send('y'.repeat(500))
    await h.clock.advance(50)
    await h.clock.advance(50)
    expect(h.out.map((o) => o.at)).toEqual([50, 100])
  })

  test('rate 0 stalls the stream (as Toxiproxy 2.12 does) until the toxic changes, then forwards what it held', async () => {
    const h = harness(bandwidthKind, { rate: 0 })
    h.send('held')
    h.send('queued')
    await h.clock.advance(60_000)
    expect(h.out).toEqual([])
    expect(h.input.size).toBe(1) // it stopped reading: the rest waits (back-pressure)
    h.interrupt()
    await h.done
    expect(h.out).toEqual([{ text: 'held', at: 60_000 }])
    expect(h.input.size).toBe(1)
    expect(h.clock.pendingTimers()).toBe(0)
  })
})

describe('slicer', () => {
  test('average 1, variation 0 turns 24 bytes into 24 one-byte pieces', () => {
    expect(sliceEnds(24, 1, 0, () => 0.5)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1))
  })

  test('pieces stay within average + variation and cover the chunk in order', () => {
    let seed = 1
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647)
    const ends = sliceEnds(10_000, 100, 40, random)
    let start = 0
    for (const end of ends) {
      expect(end).toBeGreaterThan(start)
      expect(end - start).toBeLessThanOrEqual(140)
      start = end
    }
    expect(start).toBe(10_000)
  })

  test('average_size 0 is clamped to 1 instead of recursing forever', () => {
    expect(sliceEnds(5, 0, 0, () => 0.5)).toEqual([1, 2, 3, 4, 5])
  })

  test('delay is in microseconds, owed up to whole milliseconds', async () => {
    const h = harness(slicerKind, { average_size: 1, size_variation: 0, delay: 500 })
    h.send('abcd')
    await h.clock.advance(0)
    expect(h.out.map((o) => o.text)).toEqual(['a', 'b'])
    await h.clock.advance(1)
    expect(h.out.map((o) => o.text)).toEqual(['a', 'b', 'c', 'd'])
  })
})

describe('limit_data', () => {
  test('truncates the chunk crossing the limit, then ends the stream', async () => {
    const h = harness(limitDataKind, { bytes: 10 })
    h.send('1234')
    h.send('5678')
    h.send('9abc')
    h.send('more')
    await h.done
    expect(h.out.map((o) => o.text)).toEqual(['1234', '5678', '9a'])
    expect(h.state.transmitted).toBe(10)
  })
})

describe('timeout', () => {
  test('drops data and ends after timeout ms without a chunk; each chunk restarts the wait', async () => {
    const h = harness(timeoutKind, { timeout: 100 })
    h.send('a')
    await h.clock.advance(60)
    h.send('b')
    await h.clock.advance(99)
    expect(h.ended()).toBe(false)
    await h.clock.advance(1)
    await h.done
    expect(h.ended()).toBe(true)
    expect(h.out).toEqual([])
    expect(h.clock.pendingTimers()).toBe(0)
  })

  test('an interruption stops it without a timer left armed', async () => {
    const h = harness(timeoutKind, { timeout: 100 })
    await h.clock.advance(10)
    h.interrupt()
    await h.done
    expect(h.clock.pendingTimers()).toBe(0)
  })
})

describe('slow_close and reset_peer', () => {
  test('slow_close passes data and holds the end back by delay ms', async () => {
    const h = harness(slowCloseKind, { delay: 300 })
    h.send('a')
    h.end()
    await h.clock.advance(299)
    expect(h.out.map((o) => o.text)).toEqual(['a'])
    expect(h.ended()).toBe(false)
    await h.clock.advance(1)
    await h.done
  })

  test('reset_peer commits on the first chunk, drops it, and ends after timeout ms', async () => {
    const h = harness(resetPeerKind, { timeout: 50 })
    await h.clock.advance(10)
    h.send('a')
    await h.clock.advance(0)
    expect(h.endRequested()).toBe(true)
    await h.clock.advance(49)
    expect(h.ended()).toBe(false)
    await h.clock.advance(1)
    await h.done
    expect(h.out).toEqual([])
  })
})
