/** TCP behaviour of each toxic through real sockets on 127.0.0.1 (ephemeral ports, deadlines, no sleeps). */
import { once } from 'node:events'
import { describe, expect } from 'vitest'
import { sfc32 } from '../random.ts'
import { startToxiproxyServer } from './server.ts'
import { dial, pattern, proxyPort, readFrom, startUpstream, toxiTest as test, unusedPort, waitFor, writeAll } from './testkit.ts'

/** Round trip of `bytes` through the echo, in ms. */
async function roundTrip(port: number, bytes = 100): Promise<{ ms: number; ok: boolean }> {
  const client = await dial(port)
  const data = pattern(bytes)
  const reading = readFrom(client, { bytes })
  const start = performance.now()
  client.write(data)
  const result = await reading
  const ms = performance.now() - start
  client.destroy()
  return { ms, ok: result.data.equals(data) }
}

describe('pass-through', () => {
  test('1 MB arrives exact and in order, both ways', async ({ tox, echo }) => {
    const port = await proxyPort(tox, 'echo', echo.address)
    const client = await dial(port)
    const data = pattern(1024 * 1024)
    const reading = readFrom(client, { bytes: data.length })
    await writeAll(client, data)
    const result = await reading
    expect(result.data.length).toBe(data.length)
    expect(result.data.equals(data)).toBe(true)
    client.destroy()
    const stats = tox.stats('echo')
    expect(stats.upstream.sentBytes).toBe(data.length)
    expect(stats.downstream.sentBytes).toBe(data.length)
    expect(stats.connectionsOpened).toBe(1)
  })

  test('upstream down: the client is accepted, then reads EOF', async ({ tox }) => {
    const port = await proxyPort(tox, 'down', `127.0.0.1:${await unusedPort()}`)
    const client = await dial(port)
    const result = await readFrom(client, { until: 'close' })
    expect(result.ended).toBe(true)
    expect(result.data.length).toBe(0)
    expect(result.errorCode).toBeUndefined()
    expect(tox.stats('down').upstreamDialFailures).toBe(1)
  })

  test('no half-close: the client ending closes both sides', async ({ tox, echo }) => {
    const port = await proxyPort(tox, 'echo', echo.address)
    const client = await dial(port)
    const reading = readFrom(client, { until: 'close' })
    client.end()
    expect((await reading).ended).toBe(true)
    await waitFor(() => echo.sockets.size === 0, 'the upstream socket to close')
    await waitFor(() => tox.stats('echo').connectionsClosed === 1, 'the connection to be released')
  })

  test('disabling the proxy closes live connections and stops listening', async ({ tox, echo }) => {
    const port = await proxyPort(tox, 'echo', echo.address)
    const client = await dial(port)
    expect((await roundTrip(port)).ok).toBe(true)
    const reading = readFrom(client, { until: 'close' })
    await tox.store.updateProxy('echo', { enabled: false })
    expect((await reading).ended).toBe(true)
    await expect(dial(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' })
    await tox.store.updateProxy('echo', { enabled: true })
    expect((await roundTrip(port)).ok).toBe(true)
  })

  test('deleting the proxy closes live connections', async ({ tox, echo }) => {
    const port = await proxyPort(tox, 'echo', echo.address)
    const client = await dial(port)
    const reading = readFrom(client, { until: 'close' })
    await tox.store.deleteProxy('echo')
    expect((await reading).ended).toBe(true)
  })
})

describe('latency', () => {
  test('adds at least the configured delay, one-way', async ({ tox, echo }) => {
    const port = await proxyPort(tox, 'echo', echo.address)
    await tox.store.addToxic('echo', { type: 'latency', attributes: { latency: 100 } })
    const { ms, ok } = await roundTrip(port)
    expect(ok).toBe(true)
    expect(ms).toBeGreaterThanOrEqual(99) // timers round to the millisecond
    expect(ms).toBeLessThan(2000)
  })

  test('stacked latencies and both directions add up', async ({ tox, echo }) => {
    const port = await proxyPort(tox, 'echo', echo.address)
    await tox.store.addToxic('echo', { type: 'latency', name: 'a', attributes: { latency: 50 } })
    await tox.store.addToxic('echo', { type: 'latency', name: 'b', attributes: { latency: 50 } })
    await tox.store.addToxic('echo', { type: 'latency', stream: 'upstream', attributes: { latency: 50 } })
    const { ms, ok } = await roundTrip(port)
    expect(ok).toBe(true)
    expect(ms).toBeGreaterThanOrEqual(149)
    expect(ms).toBeLessThan(3000)
  })

  test('is pipelined: 1 MB is shifted by the latency, not slowed by it', async ({ tox, echo }) => {
    const port = await proxyPort(tox, 'echo', echo.address)
    await tox.store.addToxic('echo', { type: 'latency', attributes: { latency: 200 } })
    const client = await dial(port)
    const data = pattern(1024 * 1024)
    const reading = readFrom(client, { bytes: data.length, deadlineMs: 20_000 })
    const start = performance.now()
    await writeAll(client, data)
    const result = await reading
    const ms = performance.now() - start
    client.destroy()
    expect(result.data.equals(data)).toBe(true)
    expect(ms).toBeGreaterThanOrEqual(199)
    // Serialized per chunk this would take ≥ 32 × 200 ms.
    expect(ms).toBeLessThan(4000)
  })

  test('jitter stays within latency ± jitter', async ({ tox, echo }) => {
    const port = await proxyPort(tox, 'echo', echo.address)
    await tox.store.addToxic('echo', { type: 'latency', attributes: { latency: 100, jitter: 50 } })
    for (let i = 0; i < 3; i++) {
      const { ms, ok } = await roundTrip(port)
      expect(ok).toBe(true)
      expect(ms).toBeGreaterThanOrEqual(49)
      expect(ms).toBeLessThan(2000)
    }
  })
})

describe('toxicity', () => {
  test('toxicity 0 never applies', async ({ tox, echo }) => {
    const port = await proxyPort(tox, 'echo', echo.address)
    await tox.store.addToxic('echo', { type: 'timeout', toxicity: 0, attributes: { timeout: 0 } })
    for (let i = 0; i < 5; i++) expect((await roundTrip(port)).ok).toBe(true)
  })

  test('draws come from the seeded random: the same seed picks the same connections', async ({ echo }) => {
    async function pattern10(seed: number): Promise<boolean[]> {
      const tox = await startToxiproxyServer({ port: 0, random: sfc32(seed) })
      try {
        const port = await proxyPort(tox, 'echo', echo.address)
        await tox.store.addToxic('echo', { type: 'noop', toxicity: 0.5 })
        const clients = []
        for (let i = 0; i < 10; i++) {
          clients.push(await dial(port))
          await waitFor(() => tox.stats('echo').connectionsActive === i + 1, 'the connection')
        }
        const active = tox.store.connections('echo').map((c) => c.toxics[0]!.active)
        for (const c of clients) c.destroy()
        return active
      } finally {
        await tox.close()
      }
    }
    const first = await pattern10(7)
    expect(await pattern10(7)).toEqual(first)
    expect(first).toContain(true)
    expect(first).toContain(false)
  })
})

describe('bandwidth', () => {
  test('paces the stream at roughly rate KB/s (1 KB = 1000 bytes)', async ({ tox, echo }) => {
    const port = await proxyPort(tox, 'echo', echo.address)
    await tox.store.addToxic('echo', { type: 'bandwidth', stream: 'upstream', attributes: { rate: 100 } })
    const client = await dial(port)
    const data = pattern(50_000) // 0.5 s at 100 KB/s
    const reading = readFrom(client, { bytes: data.length })
    const start = performance.now()
    await writeAll(client, data)
    const result = await reading
    const ms = performance.now() - start
    client.destroy()
    expect(result.data.equals(data)).toBe(true)
    expect(ms).toBeGreaterThanOrEqual(400)
    expect(ms).toBeLessThan(5000)
  })

  test('rate 0 stalls the data until the toxic is removed, then every byte arrives (as in Toxiproxy 2.12)', async ({ tox, echo }) => {
    const port = await proxyPort(tox, 'echo', echo.address)
    await tox.store.addToxic('echo', { type: 'bandwidth', stream: 'upstream', name: 'stall', attributes: { rate: 0 } })
    const client = await dial(port)
    const data = pattern(10_000)
    client.write(data)
    await waitFor(() => tox.stats('echo').upstream.receivedBytes === data.length, 'the proxy to read the request')
    // Absence can only be shown by waiting: nothing may get through in 300 ms.
    expect((await readFrom(client, { bytes: 1, deadlineMs: 300 })).data.length).toBe(0)
    expect(echo.received()).toBe(0)
    const reading = readFrom(client, { bytes: data.length })
    await tox.store.removeToxic('echo', 'stall')
    expect((await reading).data.equals(data)).toBe(true)
    client.destroy()
  })
})

describe('slicer', () => {
  test('splits a write into many small ones, bytes intact', async ({ tox, echo }) => {
    const port = await proxyPort(tox, 'echo', echo.address)
    await tox.store.addToxic('echo', { type: 'slicer', attributes: { average_size: 10, size_variation: 0, delay: 2000 } })
    const client = await dial(port)
    const data = pattern(400)
    const reading = readFrom(client, { bytes: data.length })
    client.write(data)
    const result = await reading
    client.destroy()
    expect(result.data.equals(data)).toBe(true)
    expect(result.reads).toBeGreaterThan(10)
  })
})

describe('limit_data', () => {
  test('truncates at exactly N bytes, then closes', async ({ tox, echo }) => {
    const port = await proxyPort(tox, 'echo', echo.address)
    await tox.store.addToxic('echo', { type: 'limit_data', attributes: { bytes: 1000 } })
    const client = await dial(port)
    const data = pattern(5000)
    const reading = readFrom(client, { until: 'close' })
    client.write(data)
    const result = await reading
    expect(result.ended).toBe(true)
    expect(result.data.equals(data.subarray(0, 1000))).toBe(true)
  })

  test('0 bytes closes on the first data, not at connect', async ({ tox, echo }) => {
    const port = await proxyPort(tox, 'echo', echo.address)
    await tox.store.addToxic('echo', { type: 'limit_data', stream: 'upstream', attributes: { bytes: 0 } })
    const client = await dial(port)
    await waitFor(() => tox.stats('echo').connectionsActive === 1, 'the connection')
    expect(client.destroyed).toBe(false)
    const reading = readFrom(client, { until: 'close' })
    client.write('x')
    const result = await reading
    expect(result.ended).toBe(true)
    expect(result.data.length).toBe(0)
  })

  test('the count survives an update', async ({ tox, echo }) => {
    const port = await proxyPort(tox, 'echo', echo.address)
    await tox.store.addToxic('echo', { type: 'limit_data', name: 'limit', attributes: { bytes: 1000 } })
    const client = await dial(port)
    const data = pattern(2000)
    const first = await (async () => {
      const reading = readFrom(client, { bytes: 600 })
      client.write(data.subarray(0, 600))
      return reading
    })()
    expect(first.data.length).toBe(600)
    await tox.store.updateToxic('echo', 'limit', { attributes: { bytes: 1200 } })
    const reading = readFrom(client, { until: 'close' })
    client.write(data.subarray(600))
    const rest = await reading
    expect(rest.ended).toBe(true)
    expect(Buffer.concat([first.data, rest.data]).equals(data.subarray(0, 1200))).toBe(true)
  })
})

describe('timeout', () => {
  test('drops data and closes after N ms without incoming data', async ({ tox, echo }) => {
    const port = await proxyPort(tox, 'echo', echo.address)
    await tox.store.addToxic('echo', { type: 'timeout', attributes: { timeout: 200 } })
    const client = await dial(port)
    const reading = readFrom(client, { until: 'close' })
    const start = performance.now()
    client.write('hello')
    const result = await reading
    expect(result.ended).toBe(true)
    expect(result.data.length).toBe(0)
    expect(performance.now() - start).toBeGreaterThanOrEqual(199)
  })

  test('0 is a blackhole until the toxic is removed, which closes the connection', async ({ tox, echo }) => {
    const port = await proxyPort(tox, 'echo', echo.address)
    await tox.store.addToxic('echo', { type: 'timeout', attributes: { timeout: 0 } })
    const client = await dial(port)
    client.write('hello')
    await waitFor(() => echo.received() === 5, 'the request to reach the upstream')
    const reading = readFrom(client, { until: 'close' })
    await tox.store.removeToxic('echo', 'timeout_downstream')
    const result = await reading
    expect(result.ended).toBe(true)
    expect(result.data.length).toBe(0)
  })
})

describe('reset_peer', () => {
  test('connections made while it exists get a TCP RST', async ({ tox, echo }) => {
    const port = await proxyPort(tox, 'echo', echo.address)
    await tox.store.addToxic('echo', { type: 'reset_peer', attributes: { timeout: 50 } })
    const client = await dial(port)
    const reading = readFrom(client, { until: 'close' })
    client.write('hello')
    const result = await reading
    expect(result.errorCode).toBe('ECONNRESET')
    expect(result.data.length).toBe(0)
  })

  test('added to an existing connection it closes with a plain FIN', async ({ tox, echo }) => {
    const port = await proxyPort(tox, 'echo', echo.address)
    const client = await dial(port)
    await waitFor(() => tox.stats('echo').connectionsActive === 1, 'the connection')
    await tox.store.addToxic('echo', { type: 'reset_peer', attributes: { timeout: 0 } })
    const reading = readFrom(client, { until: 'close' })
    client.write('hello')
    const result = await reading
    expect(result.ended).toBe(true)
    expect(result.errorCode).toBeUndefined()
  })
})

describe('slow_close', () => {
  test('holds the close back by delay ms', async ({ tox, echo }) => {
    const port = await proxyPort(tox, 'echo', echo.address)
    await tox.store.addToxic('echo', { type: 'slow_close', attributes: { delay: 300 } })
    const client = await dial(port)
    expect((await roundTrip(port)).ok).toBe(true)
    const reading = readFrom(client, { until: 'close' })
    const start = performance.now()
    client.end()
    expect((await reading).ended).toBe(true)
    expect(performance.now() - start).toBeGreaterThanOrEqual(299)
  })
})

describe('sink upstream', () => {
  test('counts bytes per direction', async ({ tox }) => {
    const sink = await startUpstream('sink')
    try {
      const port = await proxyPort(tox, 'sink', sink.address)
      const client = await dial(port)
      await writeAll(client, pattern(100_000))
      await waitFor(() => sink.received() === 100_000, 'the sink to receive everything')
      expect(tox.stats('sink').upstream).toEqual({ receivedBytes: 100_000, sentBytes: 100_000 })
      expect(tox.stats('sink').downstream).toEqual({ receivedBytes: 0, sentBytes: 0 })
      client.destroy()
      await once(client, 'close')
    } finally {
      await sink.close()
    }
  })
})
