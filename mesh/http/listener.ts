/**
 * An HTTP listener in front of a handler chain: Envoy's HTTP connection manager. It turns each
 * node:http request into a MeshRequest, writes the MeshResponse back (streaming bodies), and reports
 * the finished exchange, so telemetry sees exactly what the caller saw, downstream resets included.
 */
import http from 'node:http'
import net, { type AddressInfo, type Socket } from 'node:net'
import type { Readable } from 'node:stream'
import { TLSSocket, type SecureContext } from 'node:tls'
import type { Clock } from '../clock.ts'
import { Cancel, newStreamInfo, type Handler, type MeshRequest, type MeshResponse } from '../filter.ts'
import { withoutHopByHop } from './hop-by-hop.ts'

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
  /** Accept mTLS (PeerAuthentication); absent: plain HTTP only, with no per-connection work added. */
  readonly tls?: InboundTls
}

/** The inbound side's TLS settings, asked for every new connection (policies and certificates change). */
export interface InboundTls {
  /** STRICT: TLS only (plain text is reset); PERMISSIVE: both, told apart by the first byte; DISABLE: plain only. */
  mode(): 'STRICT' | 'PERMISSIVE' | 'DISABLE'
  /** The workload certificate; client certificates are verified against the mesh root. */
  secureContext(): SecureContext
  /** Called when a connection is refused (plain text under STRICT) or its handshake fails. */
  onRefused?(reason: 'plaintext-in-strict' | 'handshake-failed'): void
}

/** What one mTLS connection proved about its peer, kept on the socket for all its requests. */
interface PeerInfo {
  readonly principal: string
  readonly sni: string
}

const PEER = Symbol('meshdojo.peer')
type MaybeTlsSocket = Socket & { [PEER]?: PeerInfo }

/** A connection that sends nothing (or never finishes its handshake) is closed after this long. */
const FIRST_BYTES_TIMEOUT_MS = 15_000

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
  const host = options.host ?? '127.0.0.1'
  if (!options.tls) {
    await listen(server, options.port ?? 0, host)
    const port = (server.address() as AddressInfo).port
    return {
      port,
      address: `${host}:${port}`,
      close: () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve())
          for (const socket of sockets) socket.destroy()
        }),
    }
  }
  // mTLS-capable: a TCP server looks at each connection's first byte and hands it to the HTTP server,
  // wrapped in TLS (0x16, a handshake record) or as it is, as Envoy's TLS inspector does.
  const tls = options.tls
  const raw = new Set<Socket>()
  const tcp = net.createServer((socket) => {
    raw.add(socket)
    socket.once('close', () => raw.delete(socket))
    socket.on('error', () => socket.destroy())
    accept(socket, tls, server)
  })
  await listen(tcp, options.port ?? 0, host)
  const port = (tcp.address() as AddressInfo).port
  return {
    port,
    address: `${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        tcp.close(() => resolve())
        for (const socket of raw) socket.destroy()
        for (const socket of sockets) socket.destroy()
      }),
  }
}

function accept(socket: Socket, tls: InboundTls, server: http.Server): void {
  const mode = tls.mode()
  if (mode === 'DISABLE') {
    // A TLS client gets an HTTP parse error and a closed connection, as from Envoy without TLS.
    server.emit('connection', socket)
    return
  }
  socket.setTimeout(FIRST_BYTES_TIMEOUT_MS, () => socket.destroy())
  socket.once('data', (first: Buffer) => {
    socket.pause()
    socket.unshift(first)
    if (first[0] !== 0x16) {
      if (mode === 'STRICT') {
        // Envoy has no filter chain for plain text under STRICT: the connection is reset.
        tls.onRefused?.('plaintext-in-strict')
        socket.resetAndDestroy()
        return
      }
      socket.setTimeout(0)
      server.emit('connection', socket)
      socket.resume()
      return
    }
    const secure: MaybeTlsSocket = new TLSSocket(socket, {
      isServer: true,
      secureContext: tls.secureContext(),
      requestCert: true,
      rejectUnauthorized: true,
      ALPNProtocols: ['http/1.1'],
    })
    secure.on('error', () => {
      tls.onRefused?.('handshake-failed')
      secure.destroy()
    })
    secure.once('secure', () => {
      socket.setTimeout(0)
      const cert = (secure as TLSSocket).getPeerX509Certificate()
      const principal = (cert?.subjectAltName ?? '').split(', ').find((san) => san.startsWith('URI:spiffe://'))?.slice(4) ?? ''
      const sni = (secure as TLSSocket & { servername?: string | false }).servername
      secure[PEER] = { principal, sni: typeof sni === 'string' ? sni : '' }
      server.emit('connection', secure)
    })
  })
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
  const body = hasBody(req) ? await readBody(req) : null
  if (body === 'too-large') {
    res.writeHead(413, { 'content-type': 'text/plain' }).end('Payload Too Large')
    return
  }
  let finished = false
  res.once('close', () => {
    if (!finished && !res.writableFinished) downstream.abort(new Error('downstream closed'))
  })
  const info = newStreamInfo(start)
  const socket = req.socket as MaybeTlsSocket
  const peer = socket[PEER]
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
    scheme: 'http',
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
  let responseBytes = 0
  const complete = () => {
    finished = true
    if (downstream.aborted) info.flags.add('DC')
    options.onComplete?.({
      request,
      status: response.status,
      responseHeaders: headers,
      requestBytes: body?.length ?? 0,
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

/** Buffers the request body (retries and mirrors replay it). */
function readBody(req: http.IncomingMessage): Promise<Buffer | 'too-large'> {
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
