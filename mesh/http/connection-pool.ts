/**
 * Envoy's HTTP/1.1 connection pool for one upstream address: one request at a time per connection,
 * a free connection reused the moment its response ends, a new one opened only when none is free.
 *
 * Not undici's Pool: it marks a connection free only a full event-loop turn after its response
 * (setImmediate, in case a server closes despite keep-alive), and a request that comes sooner opens
 * a second connection. Hops inside one process come that soon, so each pool paid two TLS handshakes
 * where Envoy pays one, and under Node 24's larger (post-quantum) handshakes a lesson over a 1 KB/s
 * link saw it as a second slow call. Here each undici Client is one connection: it is leased for a
 * request and handed back by the request's handler when the response ends or fails; a Client whose
 * socket has closed reconnects on its next request. `maxRequestsPerConnection` is counted here too:
 * undici's `maxRequestsPerClient: n` lets a socket serve n + 1 requests.
 */
import { Client, type Dispatcher } from 'undici'

/** A request handler that hands its connection back when the exchange is over (response end or error). */
export interface PooledHandler extends Dispatcher.DispatchHandler {
  /** Set by the pool before dispatch; call exactly once. */
  release: (() => void) | undefined
}

/** Envoy's per-host connection stats, as `/clusters` prints them; counted per connection, never per request. */
export interface ConnectionStats {
  /** Connections attempted (`cx_total`): every connect, failed ones included. */
  cxTotal: number
  /** Connections open now (`cx_active`). */
  cxActive: number
  /** Connects that failed (`cx_connect_fail`): refused, timed out, or a TLS handshake that failed. */
  cxConnectFail: number
}

export class ConnectionPool {
  /** Live counts over every connection this pool has opened; read by the cluster's `/clusters` view. */
  readonly stats: ConnectionStats = { cxTotal: 0, cxActive: 0, cxConnectFail: 0 }
  readonly #origin: string
  readonly #options: Client.Options
  /** Envoy's max_requests_per_connection; 0: unlimited. */
  readonly #maxRequests: number
  /** Requests each connection has served (a Client's count starts again when it reconnects). */
  readonly #served = new Map<Client, number>()
  /** Connections with no request, the most recently used last (it is the warmest). */
  readonly #free: Client[] = []
  readonly #all = new Set<Client>()
  #closed = false

  constructor(origin: string, options: Client.Options, maxRequestsPerConnection = 0) {
    this.#origin = origin
    this.#options = options
    this.#maxRequests = maxRequestsPerConnection
  }

  /** Connections ever opened and not closed (busy or free). */
  get size(): number {
    return this.#all.size
  }

  dispatch(options: Dispatcher.DispatchOptions, handler: PooledHandler): void {
    if (this.#closed) throw Object.assign(new Error('connection pool closed'), { code: 'UND_ERR_CLOSED' })
    const client = this.#free.pop() ?? this.#open()
    let released = false
    handler.release = () => {
      if (released) return
      released = true
      if (this.#closed || client.destroyed || client.closed) return
      if (this.#maxRequests > 0 && (this.#served.get(client) ?? 0) >= this.#maxRequests) {
        // Its last request: the connection closes, the next request opens a new one (as Envoy does).
        this.#all.delete(client)
        this.#served.delete(client)
        client.close().catch(() => {})
        return
      }
      this.#free.push(client)
    }
    if (this.#maxRequests > 0) this.#served.set(client, (this.#served.get(client) ?? 0) + 1)
    client.dispatch(options, handler)
  }

  /** Closes every connection once its request (if any) is done. */
  async close(): Promise<void> {
    this.#closed = true
    this.#free.length = 0
    await Promise.all([...this.#all].map((c) => c.close().catch(() => {})))
  }

  #open(): Client {
    const client = new Client(this.#origin, this.#options)
    this.#all.add(client)
    // A Client reconnects on its next request after its socket closed: count its connections, not it.
    const stats = this.stats
    client.on('connect', () => {
      stats.cxTotal++
      stats.cxActive++
    })
    client.on('disconnect', () => {
      stats.cxActive--
      if (this.#served.has(client)) this.#served.set(client, 0) // its next request opens a new connection
    })
    client.on('connectionError', () => {
      stats.cxTotal++
      stats.cxConnectFail++
    })
    return client
  }
}
