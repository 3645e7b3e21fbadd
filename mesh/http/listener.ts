/**
 * An HTTP listener in front of a handler chain: Envoy's HTTP connection manager. It turns each
 * node:http request into a MeshRequest, writes the MeshResponse back (streaming bodies), and reports
 * the finished exchange, so telemetry sees exactly what the caller saw, downstream resets included.
 */
import http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { pipeline } from 'node:stream'
import type { Clock } from '../clock.ts'
import { newStreamInfo, type Handler, type MeshRequest, type MeshResponse } from '../filter.ts'
import { stripHopByHop } from './hop-by-hop.ts'

/** One finished exchange as the listener saw it. */
export interface Exchange {
  readonly request: MeshRequest
  readonly status: number
  readonly responseHeaders: MeshResponse['headers']
  readonly requestBytes: number
  readonly responseBytes: number
  readonly durationMs: number
}

export interface ListenerOptions {
  readonly handler: Handler
  readonly clock: Clock
  /** Called once per request when the response has been written (or the caller went away). */
  readonly onComplete?: (exchange: Exchange) => void
  readonly host?: string
  /** 0 picks a free port. */
  readonly port?: number
}

export interface Listener {
  readonly port: number
  readonly address: string
  close(): Promise<void>
}

/** Request bodies larger than this are refused with 413, as Envoy does past its buffer limit. */
const MAX_BUFFERED_BODY_BYTES = 16 * 1024 * 1024

export async function startListener(options: ListenerOptions): Promise<Listener> {
  const server = http.createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    serve(req, res, options).catch((err) => {
      // A bug in a filter must cost one request, never the process.
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' })
      res.end(`internal error in sidecar: ${(err as Error).message}`)
    })
  })
  server.headersTimeout = 60_000
  const sockets = new Set<Socket>()
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  server.on('clientError', (_err, socket) => socket.destroy())
  await listen(server, options.port ?? 0, options.host ?? '127.0.0.1')
  const port = (server.address() as AddressInfo).port
  return {
    port,
    address: `${options.host ?? '127.0.0.1'}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const socket of sockets) socket.destroy()
      }),
  }
}

/** Listens, rejecting with the node error (EADDRINUSE carries `.code`) instead of emitting it. */
export function listen(server: http.Server | import('node:net').Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err)
    server.once('error', onError)
    server.listen(port, host, () => {
      server.off('error', onError)
      resolve()
    })
  })
}

async function serve(req: http.IncomingMessage, res: http.ServerResponse, options: ListenerOptions): Promise<void> {
  const { clock } = options
  const start = clock.now()
  const downstream = new AbortController()
  const body = await readBody(req)
  if (body === 'too-large') {
    res.writeHead(413, { 'content-type': 'text/plain' }).end('Payload Too Large')
    return
  }
  let finished = false
  res.once('close', () => {
    if (!finished && !res.writableFinished) downstream.abort(new Error('downstream closed'))
  })
  const info = newStreamInfo(start)
  const incomingId = req.headers['x-request-id']
  if (typeof incomingId === 'string') info.requestId = incomingId
  const request: MeshRequest = {
    method: req.method ?? 'GET',
    path: req.url ?? '/',
    authority: req.headers.host ?? '',
    scheme: 'http',
    headers: stripHopByHop(req.headers),
    body,
    signal: downstream.signal,
    info,
  }
  let response: MeshResponse
  try {
    response = await options.handler(request)
  } catch (err) {
    response = { status: 500, headers: { 'content-type': 'text/plain' }, body: `internal error: ${(err as Error).message}` }
  }
  const headers = stripHopByHop({ ...response.headers })
  let responseBytes = 0
  const complete = () => {
    finished = true
    if (downstream.signal.aborted) info.flags.add('DC')
    options.onComplete?.({
      request,
      status: response.status,
      responseHeaders: headers,
      requestBytes: body?.length ?? 0,
      responseBytes,
      durationMs: clock.now() - start,
    })
  }
  if (downstream.signal.aborted) {
    destroyBody(response.body)
    complete()
    return
  }
  const payload = response.body
  if (payload === null || typeof payload === 'string' || Buffer.isBuffer(payload)) {
    const bytes = payload === null ? 0 : Buffer.byteLength(payload)
    responseBytes = bytes
    if (headers['content-length'] === undefined) headers['content-length'] = String(bytes)
    res.writeHead(response.status, headers as http.OutgoingHttpHeaders)
    res.end(payload ?? undefined, complete)
    return
  }
  res.writeHead(response.status, headers as http.OutgoingHttpHeaders)
  payload.on('data', (chunk: Buffer) => {
    responseBytes += chunk.length
  })
  pipeline(payload, res, () => complete())
}

function destroyBody(body: MeshResponse['body']): void {
  if (body && typeof body === 'object' && 'destroy' in body) {
    body.on('error', () => {}) // an unread undici body emits AbortError when destroyed
    body.destroy()
  }
}

/** Buffers the request body if there is one; GET and HEAD requests usually have none. */
function readBody(req: http.IncomingMessage): Promise<Buffer | null | 'too-large'> {
  const length = req.headers['content-length']
  if ((length === undefined || length === '0') && req.headers['transfer-encoding'] === undefined) return Promise.resolve(null)
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BUFFERED_BODY_BYTES) {
        req.removeAllListeners('data')
        resolve('too-large')
        return
      }
      chunks.push(chunk)
    })
    req.once('end', () => resolve(Buffer.concat(chunks)))
    req.once('error', () => resolve(Buffer.concat(chunks)))
  })
}
