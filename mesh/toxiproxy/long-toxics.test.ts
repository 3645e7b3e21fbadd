/**
 * Toxic durations past Node's 2^31-1 ms timer limit, through real sockets: Toxiproxy's attributes are
 * int64 milliseconds, so a latency or timeout of 2^31 ms holds for ~24.9 days, not the 1 ms an
 * overflowing setTimeout gives (with a TimeoutOverflowWarning). A control proxy without toxics to the
 * same echo server shows how long the round trip takes; the toxified one must still be holding then.
 */
import { afterEach, beforeEach, describe, expect } from 'vitest'
import { dial, pattern, proxyPort, readFrom, toxiTest as test, waitFor } from './testkit.ts'

const BEYOND_TIMERS_MS = 2 ** 31 // 2147483648: one more than setTimeout holds

let warnings: Error[] = []
const onWarning = (w: Error) => warnings.push(w)
beforeEach(() => {
  warnings = []
  process.on('warning', onWarning)
})
afterEach(() => {
  process.off('warning', onWarning)
})

/** A round trip through the untoxified proxy, and a few ms more: an overflowed timer (1 ms) has fired by then. */
async function controlRoundTrip(port: number): Promise<void> {
  const client = await dial(port)
  const data = pattern(64)
  const reading = readFrom(client, { bytes: data.length, deadlineMs: 5_000 })
  client.write(data)
  expect((await reading).data.equals(data)).toBe(true)
  client.destroy()
  await new Promise((resolve) => setTimeout(resolve, 20))
}

describe('toxic durations of 2^31 ms and more', () => {
  test('a latency of 2147483648 ms holds the data: the echo has come back to the proxy, yet nothing reaches the client', async ({ tox, echo }) => {
    const held = await proxyPort(tox, 'held', echo.address)
    const control = await proxyPort(tox, 'control', echo.address)
    const toxic = await tox.store.addToxic('held', { type: 'latency', attributes: { latency: BEYOND_TIMERS_MS } })
    expect(toxic.attributes).toEqual({ latency: BEYOND_TIMERS_MS, jitter: 0 })

    const client = await dial(held)
    let arrived = 0
    client.on('data', (d: Buffer) => (arrived += d.length))
    client.write(pattern(100))
    // The upstream stream has no toxic: the echo server gets the bytes and sends them back at once.
    await waitFor(() => echo.received() >= 100, 'the echo server to receive the bytes')
    await controlRoundTrip(control)
    await controlRoundTrip(control)
    expect(arrived).toBe(0)
    expect(tox.stats('held').downstream.sentBytes).toBe(0)
    expect(warnings.map((w) => w.name)).not.toContain('TimeoutOverflowWarning')
    client.destroy()
  })

  test('a timeout of 2147483648 ms keeps the connection open (and drops the data)', async ({ tox, echo }) => {
    const held = await proxyPort(tox, 'held', echo.address)
    const control = await proxyPort(tox, 'control', echo.address)
    await tox.store.addToxic('held', { type: 'timeout', stream: 'upstream', attributes: { timeout: BEYOND_TIMERS_MS } })
    const client = await dial(held)
    let closed = false
    client.on('close', () => (closed = true))
    client.write(pattern(100))
    await controlRoundTrip(control)
    await controlRoundTrip(control)
    expect(closed).toBe(false)
    expect(echo.received()).toBe(128) // the two control round trips only: the held bytes were dropped
    expect(warnings.map((w) => w.name)).not.toContain('TimeoutOverflowWarning')
    client.destroy()
  })
})
