/** `GET /metrics`: Toxiproxy's Prometheus counters, byte for byte, over real sockets. */
import { register as globalRegistry } from 'prom-client'
import { describe, expect } from 'vitest'
import { sfc32 } from '../random.ts'
import { startToxiproxyServer } from './server.ts'
import { dial, proxyPort, readFrom, toxiTest as test, waitFor } from './testkit.ts'

const scrape = async (url: string) => {
  const res = await fetch(`${url}/metrics`)
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() }
}

/** Sends `bytes` through the echo proxy and waits until the reply is back. */
async function echoThrough(port: number, bytes: number): Promise<void> {
  const client = await dial(port)
  const reading = readFrom(client, { bytes })
  client.write(Buffer.alloc(bytes, 1))
  expect((await reading).data.length).toBe(bytes)
  client.destroy()
}

describe('GET /metrics (embedded server: proxy metrics always on)', () => {
  test('the two byte counters with Toxiproxy\'s names, labels, empty help and type, each direction sorted', async ({ tox, echo }) => {
    const port = await proxyPort(tox, 'echo', echo.address)
    await echoThrough(port, 5)
    await waitFor(() => tox.stats('echo').downstream.sentBytes === 5, 'the reply to be counted')
    const labels = (direction: string) => `{direction="${direction}",listener="127.0.0.1:${port}",proxy="echo",upstream="${echo.address}"}`
    const r = await scrape(tox.url)
    expect(r.status).toBe(200)
    expect(r.type).toBe('text/plain; version=0.0.4; charset=utf-8')
    expect(r.text).toBe(
      [
        '# HELP toxiproxy_proxy_received_bytes_total ',
        '# TYPE toxiproxy_proxy_received_bytes_total counter',
        `toxiproxy_proxy_received_bytes_total${labels('downstream')} 5`,
        `toxiproxy_proxy_received_bytes_total${labels('upstream')} 5`,
        '',
        '# HELP toxiproxy_proxy_sent_bytes_total ',
        '# TYPE toxiproxy_proxy_sent_bytes_total counter',
        `toxiproxy_proxy_sent_bytes_total${labels('downstream')} 5`,
        `toxiproxy_proxy_sent_bytes_total${labels('upstream')} 5`,
        '',
      ].join('\n'),
    )
  })

  test('no families before the first connection (as Go\'s registry); totals add up across connections and outlive the proxy', async ({ tox, echo }) => {
    expect((await scrape(tox.url)).text).toBe('')
    const port = await proxyPort(tox, 'echo', echo.address)
    await echoThrough(port, 100)
    await echoThrough(port, 20)
    await waitFor(() => tox.stats('echo').downstream.sentBytes === 120, 'both replies to be counted')
    await tox.store.deleteProxy('echo')
    const text = (await scrape(tox.url)).text
    expect(text).toContain(`toxiproxy_proxy_sent_bytes_total{direction="downstream",listener="127.0.0.1:${port}",proxy="echo",upstream="${echo.address}"} 120\n`)
  })

  test('the listener label follows a proxy update; the old series stays', async ({ tox, echo }) => {
    const first = await proxyPort(tox, 'echo', echo.address)
    await echoThrough(first, 3)
    const moved = await tox.store.updateProxy('echo', { listen: '127.0.0.1:0' })
    const second = Number(moved.listen.split(':').at(-1))
    await echoThrough(second, 4)
    await waitFor(() => tox.stats('echo').upstream.sentBytes === 7, 'both requests to be counted')
    const text = (await scrape(tox.url)).text
    expect(text).toContain(`toxiproxy_proxy_received_bytes_total{direction="upstream",listener="127.0.0.1:${first}",proxy="echo",upstream="${echo.address}"} 3\n`)
    expect(text).toContain(`toxiproxy_proxy_received_bytes_total{direction="upstream",listener="127.0.0.1:${second}",proxy="echo",upstream="${echo.address}"} 4\n`)
  })

  test('goes through Toxiproxy\'s middleware: request id, browser block; any method', async ({ tox }) => {
    const r = await fetch(`${tox.url}/metrics`, { method: 'POST' })
    expect(r.status).toBe(200)
    expect(r.headers.get('x-toxiproxy-request-id')).toMatch(/^[0-9a-v]{20}$/)
    expect((await fetch(`${tox.url}/metrics`, { headers: { 'User-Agent': 'Mozilla/5.0' } })).status).toBe(403)
  })
})

describe('metrics options', () => {
  test('with neither proxy nor runtime metrics, /metrics is 404 as in Toxiproxy without its flags', async () => {
    const tox = await startToxiproxyServer({ port: 0, random: sfc32(1), metrics: {} })
    try {
      const r = await scrape(tox.url)
      expect(r.status).toBe(404)
      expect(r.text).toBe('404 page not found\n')
    } finally {
      await tox.close()
    }
  })

  test('each server has its own registry; nothing lands in prom-client\'s global one', async ({ tox, echo }) => {
    const other = await startToxiproxyServer({ port: 0, random: sfc32(2) })
    try {
      await echoThrough(await proxyPort(tox, 'echo', echo.address), 1)
      await waitFor(async () => (await scrape(tox.url)).text.includes('proxy="echo"'), 'the first server to count')
      expect((await scrape(other.url)).text).toBe('')
      expect(await globalRegistry.metrics()).not.toContain('toxiproxy_')
    } finally {
      await other.close()
    }
  })
})
