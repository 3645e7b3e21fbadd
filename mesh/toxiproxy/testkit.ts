/** Test fixtures for the Toxiproxy tests: real sockets on 127.0.0.1 port 0, deadlines instead of sleeps. */
import { once } from 'node:events'
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net'
import { test as base } from 'vitest'
import { sfc32 } from '../random.ts'
import { startToxiproxyServer, type ToxiproxyServer } from './server.ts'

/** An upstream on an ephemeral port. `echo` writes back what it reads; `sink` only reads. */
export interface TestUpstream {
  readonly port: number
  readonly address: string
  /** Bytes received, across connections. */
  received(): number
  /** Accepted sockets still open. */
  readonly sockets: Set<Socket>
  close(): Promise<void>
}

export async function startUpstream(mode: 'echo' | 'sink' = 'echo'): Promise<TestUpstream> {
  let received = 0
  const sockets = new Set<Socket>()
  const server: Server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
    socket.on('data', (d) => {
      received += d.length
    })
    if (mode === 'echo') socket.pipe(socket)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const port = (server.address() as AddressInfo).port
  return {
    port,
    address: `127.0.0.1:${port}`,
    received: () => received,
    sockets,
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** A free port that nothing listens on (bound, then released). */
export async function unusedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const port = (server.address() as AddressInfo).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** `n` bytes of a pattern that doesn't repeat on power-of-two boundaries (251 is prime). */
export function pattern(n: number): Buffer {
  const b = Buffer.alloc(n)
  for (let i = 0; i < n; i++) b[i] = (i * 7 + (i >> 8)) % 251
  return b
}

/** Connects to 127.0.0.1:port; rejects on error. */
export async function dial(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1')
  await once(socket, 'connect')
  return socket
}

/** What a client read before the deadline: data, whether it ended, and any socket error code. */
export interface ReadResult {
  readonly data: Buffer
  readonly ended: boolean
  readonly errorCode: string | undefined
  /** Time from the start of reading to when the last byte arrived (ms). */
  readonly lastByteMs: number
  /** Number of 'data' events (how the bytes were split). */
  readonly reads: number
}

/**
 * Reads until `bytes` have arrived (or the socket closes, or `deadlineMs` passes). Resolves, never
 * rejects: the test asserts on what happened.
 */
export function readFrom(socket: Socket, options: { bytes?: number; deadlineMs?: number; until?: 'bytes' | 'close' } = {}): Promise<ReadResult> {
  const { bytes = Infinity, deadlineMs = 10_000, until = 'bytes' } = options
  const start = performance.now()
  const parts: Buffer[] = []
  let size = 0
  let reads = 0
  let lastByteMs = 0
  let errorCode: string | undefined
  return new Promise((resolve) => {
    const finish = (ended: boolean) => {
      clearTimeout(timer)
      socket.off('data', onData)
      socket.off('close', onClose)
      socket.off('error', onError)
      resolve({ data: Buffer.concat(parts), ended, errorCode, lastByteMs, reads })
    }
    const onData = (d: Buffer) => {
      parts.push(d)
      size += d.length
      reads++
      lastByteMs = performance.now() - start
      if (until === 'bytes' && size >= bytes) finish(false)
    }
    const onClose = () => finish(true)
    const onError = (e: NodeJS.ErrnoException) => {
      errorCode = e.code
    }
    const timer = setTimeout(() => finish(socket.destroyed), deadlineMs)
    socket.on('data', onData)
    socket.on('close', onClose)
    socket.on('error', onError)
    if (socket.destroyed) finish(true)
  })
}

/** Polls `condition` every few ms until true; throws with `what` after `deadlineMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, deadlineMs = 10_000): Promise<void> {
  const deadline = performance.now() + deadlineMs
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/** Writes all of `data` respecting back-pressure. */
export async function writeAll(socket: Socket, data: Buffer, pieceBytes = 16 * 1024): Promise<void> {
  for (let offset = 0; offset < data.length; offset += pieceBytes) {
    if (!socket.write(data.subarray(offset, offset + pieceBytes))) await once(socket, 'drain')
  }
}

/** vitest fixtures: a Toxiproxy server and an echo upstream, both closed after the test. */
export const toxiTest = base.extend<{ tox: ToxiproxyServer; echo: TestUpstream }>({
  tox: async ({}, use) => {
    const tox = await startToxiproxyServer({ port: 0, random: sfc32(42) })
    await use(tox)
    await tox.close()
  },
  echo: async ({}, use) => {
    const echo = await startUpstream('echo')
    await use(echo)
    await echo.close()
  },
})

/** Creates a proxy on an ephemeral port in front of `upstream` and returns the port to dial. */
export async function proxyPort(tox: ToxiproxyServer, name: string, upstream: string): Promise<number> {
  const proxy = await tox.store.createProxy({ name, listen: '127.0.0.1:0', upstream })
  return Number(proxy.listen.split(':').at(-1))
}
