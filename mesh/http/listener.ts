/**
 * An HTTP listener in front of a handler chain: Envoy's HTTP connection manager. It turns each
 * node:http request into a MeshRequest, writes the MeshResponse back (streaming bodies), and reports
 * the finished exchange, so telemetry sees exactly what the caller saw, downstream resets included.
 */
import http from 'node:http'
import net, { type AddressInfo, type Socket } from 'node:net'
import type { Readable } from 'node:stream'
import type { Clock } from '../clock.ts'
import { Cancel, newStreamInfo, type Handler, type MeshRequest, type MeshResponse } from '../filter.ts'
import { withoutHopByHop } from './hop-by-hop.ts'
import { inProcessEntrance, type PipeEnd } from './in-process-pipe.ts'
import { peerOf, tlsInspector, type InboundTls } from './inbound-tls.ts'
import { ListenerStats } from './listener-stats.ts'
import { bodyBytes, readRequestBody } from './request-body.ts'

export type { InboundTls } from './inbound-tls.ts'

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
  /**
   * No port at all: only `connect()` reaches it, from inside this process, as only the containers of
   * a pod reach its sidecar's outbound listener. A sidecar's outbound side is private.
   */
  readonly private?: boolean
  /** Accept mTLS (PeerAuthentication); absent: plain HTTP only, with no per-connection work added. */
  readonly tls?: InboundTls
  /**
   * The HCM's `server_name`: every response, local replies included, carries it as `server`,
   * replacing the upstream's own (`server_header_transformation: OVERWRITE`, Istio's setting).
   */
  readonly serverName?: string
}

export interface Listener {
  /** The TCP port; 0 for a private listener. */
  readonly port: number
  /** `127.0.0.1:port`, or `in-process` for a private listener. */
  readonly address: string
  /** Connection counters, Envoy's `listener.<address>.*` stats. */
  readonly stats: ListenerStats
  /** A plain-text connection from inside this process (the pod's own containers). */
  connect(): PipeEnd
  close(): Promise<void>
}

export async function startListener(options: ListenerOptions): Promise<Listener> {
  // Envoy's limit on request headers (URL included) is 60 KiB; Node's default is 16.
  const server = http.createServer({ keepAliveTimeout: 65_000, maxHeaderSize: MAX_REQUEST_HEADERS_BYTES }, (req, res) => {
    serve(req, res, options).catch((err) => {
      // A bug in a filter must cost one request, never the process.
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain', ...(options.serverName ? { server: options.serverName } : {}) })
      res.end(`internal error in sidecar: ${(err as Error).message}`)
    })
  })
  server.headersTimeout = 60_000
  const stats = new ListenerStats()
  const sockets = new Set<Socket | PipeEnd>()
  const track = (socket: Socket | PipeEnd) => {
    if (!options.tls) stats.add('downstream_cx_total') // TLS listeners count at accept, refused ones too
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  }
  server.on('connection', track)
  const serverLine = options.serverName ? `server: ${options.serverName}\r\n` : ''
  server.on('clientError', (err: Error & { code?: string }, socket) => rejectMalformed(err, socket, serverLine))
  const entrance = inProcessEntrance(server)
  const connect = () => entrance.connect()
  const closeAll = () => {
    entrance.close()
    for (const socket of sockets) socket.destroy()
  }
  if (options.private) {
    return {
      port: 0,
      address: 'in-process',
      stats,
      connect,
      close: async () => closeAll(),
    }
  }
  const host = options.host ?? '127.0.0.1'
  const tls = options.tls
  // mTLS-capable: a TCP server hands each connection to the TLS inspector, then to the HTTP server.
  // Plain text only: the HTTP server listens itself, with no per-connection work added.
  const inspect = tls ? tlsInspector(tls, stats, (socket) => server.emit('connection', socket)) : undefined
  const tcp = inspect
    ? net.createServer((socket) => {
        stats.add('downstream_cx_total')
        track(socket)
        socket.on('error', () => socket.destroy())
        inspect(socket)
      })
    : server
  await listen(tcp, options.port ?? 0, host)
  const port = (tcp.address() as AddressInfo).port
  return {
    port,
    address: `${host}:${port}`,
    stats,
    connect,
    close: () =>
      new Promise<void>((resolve) => {
        tcp.close(() => resolve())
        closeAll()
      }),
  }
}

/** Envoy's default `max_request_headers_kb`. */
const MAX_REQUEST_HEADERS_BYTES = 60 * 1024

/**
 * A request Node's strict parser refused (duplicate or conflicting Content-Length and
 * Transfer-Encoding, a bad header name, NUL, obs-fold, headers past the limit) gets the answer Envoy's
 * codec gives, 400 or 431, and the connection is closed: nothing after it is read, so nothing can be
 * smuggled behind it.
 */
function rejectMalformed(err: Error & { code?: string }, socket: import('node:stream').Duplex, serverLine: string): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy()
    return
  }
  const [status, text] = err.code === 'HPE_HEADER_OVERFLOW' ? [431, 'Request Header Fields Too Large'] : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'Request Timeout'] : [400, 'Bad Request']
  socket.end(`HTTP/1.1 ${status} ${text}\r\ncontent-length: ${text.length}\r\ncontent-type: text/plain\r\n${serverLine}connection: close\r\n\r\n${text}`)
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
  const downstream = new Cancel()
  const body = hasBody(req) ? await readRequestBody(req) : null
  let finished = false
  res.once('close', () => {
    if (!finished && !res.writableFinished) downstream.abort(new Error('downstream closed'))
  })
  const info = newStreamInfo(start)
  const socket = req.socket
  const peer = peerOf(socket)
  if (peer) {
    info.peerPrincipal = peer.principal
    info.requestedServerName = peer.sni
  }
  info.downstreamRemoteAddress = socket.remoteAddress ?? ''
  info.downstreamLocalAddress = socket.localAddress ?? ''
  const incomingId = req.headers['x-request-id']
  if (typeof incomingId === 'string') info.requestId = incomingId
  const request: MeshRequest = {
    method: req.method ?? 'GET',
    path: req.url ?? '/',
    authority: req.headers.host ?? '',
    // Envoy's :scheme for HTTP/1 follows the connection: https over (m)TLS.
    scheme: peer ? 'https' : 'http',
    headers: withoutHopByHop(req.headers),
    body,
    cancel: downstream,
    info,
    // Present from the start so every copy of a request has one object shape (monomorphic filters).
    attempt: undefined,
    upstream: undefined,
  }
  let response: MeshResponse
  try {
    response = await options.handler(request)
  } catch (err) {
    response = { status: 500, headers: { 'content-type': 'text/plain' }, body: `internal error: ${(err as Error).message}` }
  }
  const headers = withoutHopByHop(response.headers)
  if (options.serverName) headers.server = options.serverName
  let responseBytes = 0
  const complete = () => {
    finished = true
    if (downstream.aborted) info.flags.add('DC')
    options.onComplete?.({
      request,
      status: response.status,
      responseHeaders: headers,
      requestBytes: bodyBytes(body),
      responseBytes,
      durationMs: clock.now() - start,
    })
  }
  if (downstream.aborted) {
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
  forward(payload, res, (bytes) => {
    responseBytes = bytes
    complete()
  })
}

/**
 * Streams an upstream body into the response with back-pressure. Not stream.pipeline: its
 * per-call AbortController, end-of-stream watchers and the DOMException it makes on every finish
 * cost about a tenth of a hop. A downstream reset destroys the body; a body error resets the downstream.
 */
function forward(body: Readable, res: http.ServerResponse, done: (bytes: number) => void): void {
  let bytes = 0
  let settled = false
  const finish = () => {
    if (settled) return
    settled = true
    done(bytes)
  }
  body.on('data', (chunk: Buffer) => {
    bytes += chunk.length
    if (!res.write(chunk)) body.pause()
  })
  res.on('drain', () => body.resume())
  body.once('end', () => res.end(finish))
  body.once('error', () => {
    res.destroy()
    finish()
  })
  res.once('close', () => {
    if (!body.readableEnded) destroyBody(body)
    finish()
  })
}

function destroyBody(body: MeshResponse['body']): void {
  if (body && typeof body === 'object' && 'destroy' in body) {
    body.on('error', () => {}) // an unread undici body emits AbortError when destroyed
    body.destroy()
  }
}

/** GET and HEAD requests usually have no body: then nothing is awaited. */
function hasBody(req: http.IncomingMessage): boolean {
  const length = req.headers['content-length']
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined
}
