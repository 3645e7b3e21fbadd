/**
 * A connection that exists only inside this process: two Duplex ends, what one end writes the other
 * reads, with back-pressure. It stands in for the loopback hops of a pod that nothing outside the pod
 * can reach (app → its sidecar's outbound listener, inbound sidecar → app): no port means no other
 * process on the machine can connect around the sidecar. Node 22 has `stream.duplexPair`; Node 20
 * does not, and node:http and undici need a few socket-like members besides.
 */
import { Duplex } from 'node:stream'

/** The socket-like members node:http and undici look for on a connection. */
export interface PipeEnd extends Duplex {
  readonly remoteAddress: string
  readonly remotePort: number
  readonly localAddress: string
  readonly localPort: number
  readonly alpnProtocol: false
  ref(): this
  unref(): this
  setNoDelay(): this
  setKeepAlive(): this
  setTimeout(ms: number, onTimeout?: () => void): this
}

const RESET = Object.freeze({ code: 'ECONNRESET', message: 'in-process connection reset by peer' })

class End extends Duplex implements PipeEnd {
  peer!: End
  /** The write waiting for the peer to read (back-pressure): called from the peer's _read. */
  private waiting: (() => void) | undefined = undefined
  readonly remoteAddress = '127.0.0.1'
  readonly remotePort = 0
  readonly localAddress = '127.0.0.1'
  readonly localPort = 0
  readonly alpnProtocol = false as const
  private idle: ReturnType<typeof setTimeout> | undefined = undefined

  override _read(): void {
    const resume = this.peer.waiting
    this.peer.waiting = undefined
    resume?.()
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.peer.destroyed) {
      callback(Object.assign(new Error(RESET.message), { code: RESET.code }))
      return
    }
    if (this.peer.push(chunk)) callback()
    else this.waiting = () => callback()
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.peer.push(null)
    callback()
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    clearTimeout(this.idle)
    const pending = this.waiting
    this.waiting = undefined
    pending?.()
    // Like closing a TCP socket: the peer still reads what was already sent, then end-of-stream;
    // whatever it writes from now on fails as a reset.
    if (!this.peer.destroyed && !this.peer.readableEnded) this.peer.push(null)
    callback(error)
  }

  ref(): this {
    return this
  }

  unref(): this {
    return this
  }

  setNoDelay(): this {
    return this
  }

  setKeepAlive(): this {
    return this
  }

  /**
   * A one-shot 'timeout' after `ms` (0 disarms). node:http arms it for its keep-alive timeout and
   * disarms it when the next request starts, so activity tracking is not needed here.
   */
  setTimeout(ms: number, onTimeout?: () => void): this {
    clearTimeout(this.idle)
    this.idle = undefined
    if (onTimeout) this.once('timeout', onTimeout)
    if (ms > 0) {
      this.idle = setTimeout(() => this.emit('timeout'), ms)
      this.idle.unref()
    }
    return this
  }
}

/** A connected pair: `client` is what the connecting side holds, `server` what the listener gets. */
export function inProcessPipe(): { client: PipeEnd; server: PipeEnd } {
  const client = new End()
  const server = new End()
  client.peer = server
  server.peer = client
  return { client, server }
}

/** An HTTP server's in-process entrance: each `connect()` is a new connection the server serves. */
export interface InProcessEntrance {
  /** A new connection; once closed, throws ECONNREFUSED, as a closed port refuses. */
  connect(): PipeEnd
  /** Refuses new connections and resets every open one. */
  close(): void
}

export function inProcessEntrance(server: import('node:http').Server): InProcessEntrance {
  const open = new Set<PipeEnd>()
  let closed = false
  return {
    connect() {
      if (closed) throw refused()
      const { client, server: end } = inProcessPipe()
      open.add(end)
      end.once('close', () => open.delete(end))
      server.emit('connection', end)
      return client
    },
    close() {
      closed = true
      for (const end of open) end.destroy()
    },
  }
}

/** What connecting to a closed in-process entrance throws: a connect failure, as from a closed port. */
export const refused = () => Object.assign(new Error('connect ECONNREFUSED (in-process: nothing listens any more)'), { code: 'ECONNREFUSED' })
