import { once } from 'node:events'
import { Client } from 'undici'
import { afterEach, expect, test } from 'vitest'
import { baseApp, finishApp } from './app-base.ts'
import { startApp, type RunningApp } from './serve.ts'
import { call } from './testing/http.ts'
import { closeAll } from './testing/peers.ts'

const open: Array<{ close(): Promise<unknown> }> = []
afterEach(() => closeAll(...open.splice(0)))
async function start(app: Parameters<typeof startApp>[0], port?: number): Promise<RunningApp> {
  const running = await startApp(app, { port })
  open.push(running)
  return running
}
const hello = baseApp().get('/', (_req, res) => { res.send('hello') })

test('listens on an ephemeral loopback port and advertises a keep-alive longer than undici\'s 4 s', async () => {
  const app = await start(hello)
  expect(app.url).toBe(`http://127.0.0.1:${app.port}`)
  const res = await call(`${app.url}/`)
  expect(res.text).toBe('hello')
  expect(res.headers['keep-alive']).toBe('timeout=30')
})

test('close() drops idle keep-alive connections, and can be called twice', async () => {
  const app = await start(hello)
  const client = new Client(app.url)
  open.push(client)
  const res = await client.request({ path: '/', method: 'GET' })
  await res.body.text()
  const disconnected = once(client, 'disconnect')
  await app.close()
  await disconnected
  await app.close()
})

test('close() does not wait for a request in flight', async () => {
  let entered!: () => void
  const inHandler = new Promise<void>((resolve) => { entered = resolve })
  const app = await start(baseApp().get('/hang', () => entered()))
  const pending = call(`${app.url}/hang`)
  await inHandler
  await app.close()
  await expect(pending).rejects.toThrow()
})

test('the same app restarts on the same port after a close', async () => {
  const first = await start(hello)
  await first.close()
  const second = await start(hello, first.port)
  expect(second.port).toBe(first.port)
  expect((await call(`${second.url}/`)).text).toBe('hello')
})

test('a crash in a handler answers 500 for that request only', async () => {
  const app = baseApp()
  app.get('/throws', () => { throw new Error('boom') })
  app.get('/rejects', async () => { throw new Error('async boom') })
  app.get('/ok', (_req, res) => { res.send('still here') })
  const running = await start(finishApp(app))
  for (const path of ['/throws', '/rejects']) {
    const res = await call(`${running.url}${path}`)
    expect(res.status).toBe(500)
    expect(res.text).toBe('Internal Server Error')
    expect(res.text).not.toContain('boom')
  }
  expect((await call(`${running.url}/ok`)).text).toBe('still here')
  expect((await call(`${running.url}/nowhere`)).status).toBe(404)
})

test('a crash after the headers went out resets the connection', async () => {
  const app = baseApp()
  app.get('/half', async (_req, res) => {
    res.write('partial')
    throw new Error('mid-body')
  })
  const running = await start(finishApp(app))
  await expect(call(`${running.url}/half`)).rejects.toThrow()
})
