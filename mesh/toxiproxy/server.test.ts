/** Server lifecycle: binding, change events, and a close that leaves nothing behind. */
import { once } from 'node:events'
import { createServer, type Socket } from 'node:net'
import { describe, expect, test } from 'vitest'
import { ManualClock } from '../clock.ts'
import { sfc32 } from '../random.ts'
import { startToxiproxyServer } from './server.ts'
import { dial, pattern, readFrom, startUpstream, toxiTest, waitFor } from './testkit.ts'
import type { ToxiproxyChange } from './types.ts'

describe('startToxiproxyServer', () => {
  test('a port in use rejects with code EADDRINUSE and Go\'s text', async () => {
    const blocker = createServer().listen(0, '127.0.0.1')
    await once(blocker, 'listening')
    const port = (blocker.address() as { port: number }).port
    try {
      await expect(startToxiproxyServer({ port, random: sfc32(1) })).rejects.toMatchObject({
        code: 'EADDRINUSE',
        message: `listen tcp 127.0.0.1:${port}: bind: address already in use`,
      })
    } finally {
      blocker.close()
    }
  })

  test('close() ends the API, every proxy and connection, and leaves no timer armed', async () => {
    const echo = await startUpstream('echo')
    // Virtual time: the toxics' timers are the clock's, so "nothing armed" is exact.
    const clock = new ManualClock()
    const tox = await startToxiproxyServer({ port: 0, random: sfc32(1), clock })
    const proxy = await tox.store.createProxy({ name: 'e', listen: '127.0.0.1:0', upstream: echo.address })
    await tox.store.addToxic('e', { type: 'latency', attributes: { latency: 60_000 } })
    await tox.store.addToxic('e', { type: 'timeout', stream: 'upstream', name: 't', toxicity: 0, attributes: { timeout: 60_000 } })
    const client = await dial(Number(proxy.listen.split(':')[1]))
    client.write(pattern(1000))
    await waitFor(() => echo.received() === 1000, 'the echo to receive')
    await waitFor(() => clock.pendingTimers() === 1, 'the latency toxic to hold the reply')
    const closed = readFrom(client, { until: 'close' })
    await tox.close()
    expect((await closed).ended).toBe(true)
    await expect(fetch(`${tox.url}/version`)).rejects.toThrow()
    await expect(dial(Number(proxy.listen.split(':')[1]))).rejects.toMatchObject({ code: 'ECONNREFUSED' })
    expect(clock.pendingTimers()).toBe(0)
    await echo.close()
  })
})

describe('setup (toxiproxy-server\'s -config)', () => {
  test('a failing setup rejects the start and closes the proxies it started', async () => {
    let proxyPort = 0
    const failing = startToxiproxyServer({
      port: 0,
      random: sfc32(1),
      setup: async (store) => {
        proxyPort = Number((await store.createProxy({ name: 'p', listen: '127.0.0.1:0', upstream: 'x:1' })).listen.split(':')[1])
        throw new Error('setup failed')
      },
    })
    await expect(failing).rejects.toThrow('setup failed')
    await expect(dial(proxyPort)).rejects.toMatchObject({ code: 'ECONNREFUSED' })
  })
})

describe('HTTP connections', () => {
  /** Sends one GET on `socket` and resolves with the raw response head and body. */
  function get(socket: Socket, port: number, path: string): Promise<string> {
    return new Promise((resolve, reject) => {
      let text = ''
      const onData = (d: Buffer) => {
        text += d
        const head = text.indexOf('\r\n\r\n')
        const length = Number(/content-length: (\d+)/i.exec(text)?.[1] ?? NaN)
        if (head >= 0 && Buffer.byteLength(text.slice(head + 4)) >= length) {
          socket.off('data', onData)
          socket.off('close', onClose)
          resolve(text)
        }
      }
      const onClose = () => reject(new Error(`closed before a full response; got ${JSON.stringify(text)}`))
      socket.on('data', onData)
      socket.once('close', onClose)
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUser-Agent: toxiproxy-cli\r\n\r\n`)
    })
  }

  toxiTest('an idle keep-alive connection stays open past Node\'s 5 s default (Toxiproxy keeps it 60 s)', { timeout: 15_000 }, async ({ tox }) => {
    const socket = await dial(tox.port)
    const first = await get(socket, tox.port, '/version')
    expect(first).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    expect(first).toMatch(/\r\nKeep-Alive: timeout=60\r\n/i) // what the client is told to expect
    // The thing under test is an idle interval, so it has to pass: Node's default closes after
    // 5 s (plus its 1 s grace), so 6.5 s without a request.
    const idle = await new Promise<'open' | 'closed'>((resolve) => {
      const timer = setTimeout(() => resolve('open'), 6_500)
      socket.once('close', () => {
        clearTimeout(timer)
        resolve('closed')
      })
    })
    expect(idle).toBe('open')
    expect(await get(socket, tox.port, '/version')).toContain('{"version": "2.12.0"}\n')
    socket.destroy()
  })
})

describe('programmatic use', () => {
  toxiTest('onChange fires after each change; unsubscribe stops it', async ({ tox }) => {
    const seen: ToxiproxyChange[] = []
    const stop = tox.onChange((c) => seen.push(c))
    await tox.store.createProxy({ name: 'p', upstream: 'x:1', enabled: false })
    await tox.store.addToxic('p', { type: 'latency' })
    await tox.store.updateToxic('p', 'latency_downstream', { toxicity: 0.5 })
    await tox.store.removeToxic('p', 'latency_downstream')
    await tox.store.updateProxy('p', { upstream: 'y:2' })
    await tox.store.reset()
    await tox.store.deleteProxy('p')
    stop()
    await tox.store.createProxy({ name: 'q', upstream: 'x:1', enabled: false })
    expect(seen.map((c) => c.kind)).toEqual(['proxy-created', 'toxic-added', 'toxic-updated', 'toxic-removed', 'proxy-updated', 'reset', 'proxy-deleted'])
  })

  toxiTest('the store throws the REST API\'s errors', async ({ tox }) => {
    await expect(tox.store.getProxy('nope')).rejects.toMatchObject({ status: 404, detail: 'proxy not found', message: 'HTTP 404: proxy not found' })
    await expect(tox.store.createProxy({ name: '', upstream: 'x:1' })).rejects.toMatchObject({ status: 400, detail: 'missing required field: name' })
    await tox.store.createProxy({ name: 'p', upstream: 'x:1', enabled: false })
    await expect(tox.store.addToxic('p', { type: 'latency', attributes: { latency: 1.5 } })).rejects.toMatchObject({
      status: 400,
      detail: 'bad request body: json: cannot unmarshal number 1.5 into Go struct field LatencyToxic.attributes.latency of type int64',
    })
    await expect(tox.store.addToxic('p', { type: 'down' })).rejects.toMatchObject({ status: 400, detail: 'invalid toxic type' })
    expect(() => tox.stats('nope')).toThrow('proxy not found')
  })
})
