/**
 * The ingress gateway against callers outside the mesh: Envoy's header sanitizing (no caller sets
 * its own timeout or retries) and its codec's answers to malformed HTTP (400 or 431, then close).
 */
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { request } from 'undici'
import { startTestMesh, type TestMesh } from '../support/mesh.ts'

/** Writes raw bytes to `port`, returns everything the server sent until it closed the connection. */
async function raw(port: number, bytes: string): Promise<string> {
  const socket = net.connect(port, '127.0.0.1')
  socket.on('error', () => {})
  await new Promise<void>((resolve) => socket.once('connect', resolve))
  socket.write(bytes)
  let text = ''
  for await (const chunk of socket) text += String(chunk)
  return text
}

describe('the ingress gateway and callers outside the mesh', () => {
  let mesh: TestMesh
  let port: number
  beforeAll(async () => {
    mesh = await startTestMesh({ toxiproxy: false })
    port = Number(new URL(mesh.ingressUrl).port)
  })
  afterAll(() => mesh.close())

  test('x-envoy-* control headers from outside are stripped: no caller sets its own timeout or retries', async () => {
    const res = await request(`${mesh.ingressUrl}/productpage`, {
      headers: { 'x-envoy-upstream-rq-timeout-ms': '1', 'x-envoy-upstream-rq-per-try-timeout-ms': '1', 'x-envoy-max-retries': '50', 'x-envoy-retry-on': '5xx' },
    })
    expect(res.statusCode).toBe(200)
    await res.body.text()
  })

  test.each([
    ['a duplicate Content-Length', 400, 'POST /productpage HTTP/1.1\r\nhost: x\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\nab'],
    ['Content-Length with Transfer-Encoding (smuggling)', 400, 'POST /productpage HTTP/1.1\r\nhost: x\r\ncontent-length: 4\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\nGET /admin HTTP/1.1\r\nhost: x\r\n\r\n'],
    ['a bad header name', 400, 'GET /productpage HTTP/1.1\r\nhost: x\r\nbad header: 1\r\n\r\n'],
    ['a NUL in a header value', 400, 'GET /productpage HTTP/1.1\r\nhost: x\r\nx-a: a\0b\r\n\r\n'],
    ['obs-fold', 400, 'GET /productpage HTTP/1.1\r\nhost: x\r\nx-a: a\r\n  folded\r\n\r\n'],
    ['a 100 KB URL', 431, `GET /productpage?q=${'a'.repeat(100 * 1024)} HTTP/1.1\r\nhost: x\r\n\r\n`],
  ])('%s gets %i and a closed connection, as from Envoy', async (_what, status, bytes) => {
    const answer = await raw(port, bytes)
    expect(answer.split('\r\n')[0]).toBe(`HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}`)
    expect(answer.match(/HTTP\/1\.1 /g)).toHaveLength(1) // one answer: nothing behind the bad request was served
  })
})
