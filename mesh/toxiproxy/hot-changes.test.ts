/** Toxics added, updated and removed on live connections: no byte lost or reordered, and the API never waits. */
import { once } from 'node:events'
import { describe, expect } from 'vitest'
import { sfc32 } from '../random.ts'
import { dial, pattern, proxyPort, readFrom, toxiTest as test, waitFor, writeAll } from './testkit.ts'

describe('hot changes while streaming', () => {
  test('adding, updating and removing toxics mid-stream loses and reorders no byte', async ({ tox, echo }) => {
    const port = await proxyPort(tox, 'echo', echo.address)
    const client = await dial(port)
    const data = pattern(1024 * 1024)
    let received = 0
    client.on('data', (d: Buffer) => {
      received += d.length
    })
    const reading = readFrom(client, { bytes: data.length, deadlineMs: 30_000 })
    const writing = writeAll(client, data, 8 * 1024)
    const store = tox.store
    // Each step waits for the echo to make progress, so every change lands mid-stream.
    const steps: Array<() => Promise<unknown>> = [
      () => store.addToxic('echo', { type: 'latency', name: 'down', attributes: { latency: 20 } }),
      () => store.addToxic('echo', { type: 'latency', name: 'up', stream: 'upstream', attributes: { latency: 10, jitter: 5 } }),
      () => store.updateToxic('echo', 'down', { attributes: { latency: 5 } }),
      () => store.addToxic('echo', { type: 'slicer', name: 'slices', attributes: { average_size: 4096, size_variation: 1000 } }),
      () => store.removeToxic('echo', 'down'),
      () => store.addToxic('echo', { type: 'bandwidth', name: 'bw', attributes: { rate: 10_000 } }),
      () => store.removeToxic('echo', 'up'),
      () => store.removeToxic('echo', 'slices'),
      () => store.removeToxic('echo', 'bw'),
    ]
    for (const [i, step] of steps.entries()) {
      const target = ((i + 1) * data.length) / (steps.length + 2)
      await waitFor(() => received >= target, `${target} bytes echoed`, 20_000)
      await step()
    }
    await writing
    const result = await reading
    expect(result.data.length).toBe(data.length)
    expect(result.data.equals(data)).toBe(true)
    client.destroy()
  })

  test('the writer switches back to direct piping once toxics are gone', async ({ tox, echo }) => {
    const port = await proxyPort(tox, 'echo', echo.address)
    const client = await dial(port)
    await tox.store.addToxic('echo', { type: 'latency', attributes: { latency: 30 } })
    const first = readFrom(client, { bytes: 1000 })
    client.write(pattern(1000))
    expect((await first).data.equals(pattern(1000))).toBe(true)
    await tox.store.removeToxic('echo', 'latency_downstream')
    const data = pattern(200_000)
    const second = readFrom(client, { bytes: data.length })
    await writeAll(client, data)
    expect((await second).data.equals(data)).toBe(true)
    client.destroy()
  })

  test('an update applies to existing connections', async ({ tox, echo }) => {
    const port = await proxyPort(tox, 'echo', echo.address)
    await tox.store.addToxic('echo', { type: 'latency', attributes: { latency: 2000 } })
    const client = await dial(port)
    await waitFor(() => tox.stats('echo').connectionsActive === 1, 'the connection')
    await tox.store.updateToxic('echo', 'latency_downstream', { attributes: { latency: 0 } })
    const reading = readFrom(client, { bytes: 10 })
    const start = performance.now()
    client.write(pattern(10))
    expect((await reading).data.equals(pattern(10))).toBe(true)
    expect(performance.now() - start).toBeLessThan(1500)
    client.destroy()
  })
})

describe('randomized hot changes (seeded)', () => {
  const KINDS = ['latency', 'slicer', 'bandwidth', 'noop', 'slow_close', 'limit_data'] as const
  const attributesFor = (type: (typeof KINDS)[number], random: () => number): Record<string, number> => {
    if (type === 'latency') return { latency: Math.floor(random() * 10), jitter: 3 }
    if (type === 'slicer') return { average_size: 1000, size_variation: 500, delay: 100 }
    if (type === 'bandwidth') return { rate: 20_000 }
    if (type === 'limit_data') return { bytes: 1e9 }
    return {}
  }

  for (const seed of [1, 2, 3, 4, 5]) {
    test(`seed ${seed}: dozens of adds, updates and removals between writes keep two streams exact`, async ({ tox, echo }) => {
      const random = sfc32(seed)
      const port = await proxyPort(tox, 'echo', echo.address)
      const clients = [await dial(port), await dial(port)]
      const data = pattern(512 * 1024 + seed * 977)
      const readings = clients.map((c) => readFrom(c, { bytes: data.length, deadlineMs: 30_000 }))
      const piece = 2000 + seed * 101
      const live: string[] = []
      let changes = 0
      for (let offset = 0; offset < data.length; offset += piece) {
        for (const c of clients) if (!c.write(data.subarray(offset, offset + piece))) await once(c, 'drain')
        if (random() < 0.6) continue
        changes++
        const r = random()
        if (r < 0.5 || live.length === 0) {
          const type = KINDS[Math.floor(random() * KINDS.length)]!
          const name = `t${changes}`
          const stream = random() < 0.5 ? 'upstream' : 'downstream'
          await tox.store.addToxic('echo', { type, name, stream, attributes: attributesFor(type, random), toxicity: random() < 0.3 ? 0.5 : 1 })
          live.push(name)
        } else if (r < 0.7) {
          await tox.store.updateToxic('echo', live[Math.floor(random() * live.length)]!, { toxicity: random() })
        } else {
          await tox.store.removeToxic('echo', live.splice(Math.floor(random() * live.length), 1)[0]!)
        }
      }
      expect(changes).toBeGreaterThan(20)
      for (const result of await Promise.all(readings)) {
        expect(result.data.length).toBe(data.length)
        expect(result.data.equals(data)).toBe(true)
      }
      for (const c of clients) c.destroy()
    })
  }
})

describe('the API under load', () => {
  test('adding, updating and removing a toxic answers promptly while connections are backed up', async ({ tox, echo }) => {
    const port = await proxyPort(tox, 'echo', echo.address)
    // 10 KB/s on both directions with ~1 MB in flight: the chains stay full for minutes.
    await tox.store.addToxic('echo', { type: 'bandwidth', name: 'slow', attributes: { rate: 10 } })
    await tox.store.addToxic('echo', { type: 'bandwidth', name: 'slow-up', stream: 'upstream', attributes: { rate: 10 } })
    const clients = await Promise.all(Array.from({ length: 8 }, () => dial(port)))
    const data = pattern(128 * 1024)
    const readings = clients.map((c) => readFrom(c, { bytes: data.length, deadlineMs: 20_000 }))
    for (const c of clients) c.write(data) // not awaiting drain: the proxy must pause us instead
    await waitFor(() => tox.stats('echo').upstream.receivedBytes > 64 * 1024, 'the proxy to be reading')

    const timed = async (what: string, path: string, init: RequestInit) => {
      const start = performance.now()
      const res = await fetch(tox.url + path, init)
      await res.text()
      return { what, status: res.status, ms: performance.now() - start }
    }
    const results = [
      await timed('update', '/proxies/echo/toxics/slow', { method: 'PATCH', body: '{"attributes":{"rate":20}}' }),
      await timed('add', '/proxies/echo/toxics', { method: 'POST', body: '{"type":"latency","attributes":{"latency":5}}' }),
      await timed('remove', '/proxies/echo/toxics/slow-up', { method: 'DELETE' }),
      await timed('remove', '/proxies/echo/toxics/slow', { method: 'DELETE' }),
      await timed('remove', '/proxies/echo/toxics/latency_downstream', { method: 'DELETE' }),
    ]
    for (const r of results) {
      expect(r.status, r.what).toBeLessThan(300)
      expect(r.ms, r.what).toBeLessThan(1000)
    }
    // With the toxics gone, every byte still arrives, in order.
    for (const result of await Promise.all(readings)) expect(result.data.equals(data)).toBe(true)
    for (const c of clients) c.destroy()
  })
})
