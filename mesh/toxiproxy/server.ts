/**
 * The embedded Toxiproxy server: the REST API on 127.0.0.1 (and ::1 when available) over a
 * store of proxies. Handlers answer from the model; data-plane flushing happens in the background.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { type Clock, systemClock } from '../clock.ts'
import type { Random } from '../random.ts'
import { errors, ToxiproxyError } from './errors.ts'
import { apiRoutes } from './handlers.ts'
import { errorBody } from './json-out.ts'
import { type MetricsOptions, ToxiproxyMetrics } from './metrics.ts'
import { joinHostPort } from './listen-address.ts'
import { BindError, bindErrorText } from './listener.ts'
import { cleanPath, decodePath, matchRoute, requestIds, type Route } from './router.ts'
import { ToxiproxyStore } from './store.ts'
import { bindHost } from '../http/bind-address.ts'
import { localOriginRefusal } from '../http/local-origin.ts'
import type { ProxyStats, ToxiproxyChange } from './types.ts'

/** Options for `startToxiproxyServer`. */
export interface ToxiproxyServerOptions {
  /** API address; default `127.0.0.1` (also bound on ::1 when the host has IPv6). */
  readonly host?: string
  /** Needed for a non-loopback `host`: the API can break every link of the mesh. */
  readonly allowRemote?: boolean
  /** API port; 0 picks a free one (read it back from `port`). */
  readonly port: number
  /** Seeded randomness: toxicity draws, jitter and slicing replay with the same seed. */
  readonly random: Random
  /** Default: the system clock. */
  readonly clock?: Clock
  /** Request bodies above this are refused with 413; default 1 MiB. */
  readonly maxBodyBytes?: number
  /**
   * What `GET /metrics` exposes. Default: the proxy byte counters (Toxiproxy needs
   * `-proxy-metrics` for them); with neither set, `/metrics` is a 404 as in Toxiproxy.
   */
  readonly metrics?: MetricsOptions
  /**
   * Runs on the store before the API listens, so no client sees it half done
   * (toxiproxy-server populates its `-config` this way). A rejection stops the start.
   */
  readonly setup?: (store: ToxiproxyStore) => Promise<void>
}

/** A running embedded Toxiproxy. */
export interface ToxiproxyServer {
  /** Base URL of the API, e.g. `http://127.0.0.1:8474`. */
  readonly url: string
  readonly port: number
  /** Programmatic access with the REST API's semantics and errors. */
  readonly store: ToxiproxyStore
  /** Fires after any proxy or toxic change. Returns an unsubscribe function. */
  onChange(listener: (change: ToxiproxyChange) => void): () => void
  /** Byte and connection counters of one proxy. */
  stats(proxy: string): ProxyStats
  /** Closes the API, every proxy listener and every connection; leaves no timer armed. */
  close(): Promise<void>
}

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024

// Toxiproxy's api.go: IdleTimeout 60 s between requests on a keep-alive connection (Node's default
// is 5 s, which drops the idle connections Toxiproxy clients pool) and ReadTimeout 15 s to read a
// request. Node checks the read limits on an interval, so check often enough to honour 15 s.
const IDLE_TIMEOUT_MS = 60_000
const READ_TIMEOUT_MS = 15_000
const TIMEOUT_CHECK_INTERVAL_MS = 1_000

/**
 * Starts the Toxiproxy-compatible API. Rejects with an error whose `code` is `EADDRINUSE`
 * (message in Go's words) when the port is taken.
 */
export async function startToxiproxyServer(options: ToxiproxyServerOptions): Promise<ToxiproxyServer> {
  bindHost(options.host, { allowRemote: options.allowRemote, flag: '--toxiproxy-host' })
  const clock = options.clock ?? systemClock()
  const metrics = new ToxiproxyMetrics(options.metrics ?? { proxy: true })
  const store = new ToxiproxyStore({ clock, random: options.random, metrics })
  const host = options.host ?? '127.0.0.1'
  const handle = requestHandler(apiRoutes(store, metrics), options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, host)
  const loopback = host === '127.0.0.1' || host === 'localhost'
  const primaryHost = loopback ? '127.0.0.1' : host
  let servers: Server[]
  try {
    await options.setup?.(store)
    servers = [await listenHttp(primaryHost, options.port, handle)]
  } catch (error) {
    await store.close() // proxies the setup started
    throw error
  }
  const port = (servers[0]!.address() as { port: number }).port
  if (loopback) {
    // Best effort: Node's fetch may try ::1 first for "localhost"; no IPv6 is fine.
    const v6 = await listenHttp('::1', port, handle).catch(() => undefined)
    if (v6) servers.push(v6)
  }
  let closing: Promise<void> | undefined
  return {
    url: `http://${joinHostPort(primaryHost, port)}`,
    port,
    store,
    onChange: (listener) => store.onChange(listener),
    stats: (proxy) => store.stats(proxy),
    close() {
      closing ??= (async () => {
        const stopped = Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))))
        for (const s of servers) s.closeAllConnections()
        await store.close()
        await stopped
      })()
      return closing
    },
  }
}

function listenHttp(host: string, port: number, handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<Server> {
  const server = createServer(
    { keepAliveTimeout: IDLE_TIMEOUT_MS, requestTimeout: READ_TIMEOUT_MS, headersTimeout: READ_TIMEOUT_MS, connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS },
    handle,
  )
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(new BindError(bindErrorText(joinHostPort(host, port), error), error.code, { cause: error }))
    })
    server.listen({ host, port, ipv6Only: host.includes(':') }, () => {
      server.removeAllListeners('error')
      server.on('error', () => {})
      resolve(server)
    })
  })
}

/** The Node request listener: the local-callers check, routing, Toxiproxy's middleware behaviour, and error mapping. */
function requestHandler(routes: readonly Route[], maxBodyBytes: number, boundHost: string) {
  const nextId = requestIds()
  // Host, Origin and Sec-Fetch-Site, not body types: curl -d (form-urlencoded) is how Toxiproxy's docs post JSON, and the
  // Mozilla/ block below already turns browsers away on routed paths.
  const local = { boundHost, refuseFormBodies: false }
  return (req: IncomingMessage, res: ServerResponse): void => {
    void dispatch(req, res).catch((error: unknown) => {
      // Last resort: a bug must cost one request, never the process.
      if (!res.headersSent) sendError(res, 500, error instanceof Error ? error.message : String(error))
      else res.destroy()
    })
  }

  async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Not in real Toxiproxy: a web page (DNS rebinding, a foreign Origin) must not break the mesh's links.
    const refused = localOriginRefusal(
      { method: req.method ?? 'GET', host: req.headers.host, origin: req.headers.origin, secFetchSite: single(req.headers['sec-fetch-site']), contentType: req.headers['content-type'] },
      local,
    )
    if (refused !== undefined) {
      sendText(res, 403, `meshdojo Toxiproxy API: ${refused}\n`)
      return
    }
    const rawUrl = req.url ?? '/'
    const queryAt = rawUrl.indexOf('?')
    const rawPath = queryAt < 0 ? rawUrl : rawUrl.slice(0, queryAt)
    let path: string
    try {
      path = decodePath(rawPath)
    } catch {
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' }).end('400 Bad Request')
      return
    }
    const clean = cleanPath(path)
    if (clean !== path) {
      res.writeHead(301, { Location: clean + (queryAt < 0 ? '' : rawUrl.slice(queryAt)) }).end()
      return
    }
    const match = matchRoute(routes, req.method ?? 'GET', path)
    if (match.kind === 'not-found') {
      sendText(res, 404, '404 page not found\n')
      return
    }
    if (match.kind === 'method-not-allowed') {
      res.writeHead(405, { 'Content-Length': '0' }).end()
      return
    }
    // Toxiproxy's middleware runs on matched routes only: request id, then the browser block.
    res.setHeader('X-Toxiproxy-Request-Id', nextId())
    if ((req.headers['user-agent'] ?? '').startsWith('Mozilla/')) {
      sendText(res, 403, 'User agent not allowed\n')
      return
    }
    try {
      const out = await match.handler({ params: match.params, body: () => readBody(req, maxBodyBytes) })
      if (out.body === undefined) res.writeHead(out.status).end()
      else res.writeHead(out.status, { 'Content-Type': out.contentType ?? 'application/json', 'Content-Length': Buffer.byteLength(out.body) }).end(out.body)
    } catch (error) {
      if (!(error instanceof ToxiproxyError)) throw error
      if (error.status === 413) res.setHeader('Connection', 'close')
      sendError(res, error.status, error.detail)
    }
  }
}

const single = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v.join(', ') : v)

/** Go's http.Error: text/plain, nosniff, and the message plus a newline. */
function sendText(res: ServerResponse, status: number, text: string): void {
  res
    .writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Content-Length': Buffer.byteLength(text) })
    .end(text)
}

/** An API error: the JSON error object sent through http.Error (so text/plain, as Toxiproxy does). */
function sendError(res: ServerResponse, status: number, detail: string): void {
  sendText(res, status, errorBody(detail, status))
}

/** Reads the whole body, refusing (413) more than `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > limit) {
      req.resume() // discard; the connection closes after our answer
      reject(errors.bodyTooLarge(limit))
      return
    }
    const parts: Buffer[] = []
    let size = 0
    req.on('data', (part: Buffer) => {
      size += part.length
      if (size > limit) {
        parts.length = 0
        reject(errors.bodyTooLarge(limit))
      } else parts.push(part)
    })
    req.on('end', () => resolve(Buffer.concat(parts)))
    req.on('error', reject)
  })
}
