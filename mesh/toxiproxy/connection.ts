/**
 * One proxied connection: a client socket, its upstream socket, and a link per direction.
 * Like Toxiproxy there is no TCP half-close: when one link ends, the other is ended too, after
 * it has passed on what it already holds.
 */
import type { Socket } from 'node:net'
import type { Clock } from '../clock.ts'
import { hashString, sfc32 } from '../random.ts'
import { Link, type MutableByteCounters } from './link.ts'
import type { ToxicModel } from './toxic-model.ts'
import type { ConnectionInfo, Direction } from './types.ts'

/** Where a connection reports to: its proxy's counters and its own removal. */
export interface ConnectionOptions {
  readonly client: Socket
  readonly upstream: Socket
  readonly toxics: Readonly<Record<Direction, readonly ToxicModel[]>>
  readonly clock: Clock
  /** Seeds this connection's random streams (toxicity draws, jitter, slicing). */
  readonly seed: number
  readonly proxyCounters: Readonly<Record<Direction, MutableByteCounters>>
  /** `/metrics` series of each direction, when proxy metrics are on. */
  readonly metricCounters?: Readonly<Record<Direction, MutableByteCounters | undefined>>
  readonly onClosed: (connection: Connection) => void
}

/** A client↔upstream pair with its two links. */
export class Connection {
  readonly client: Socket
  readonly upstream: Socket
  readonly clientAddress: string
  readonly upstreamAddress: string
  readonly openedAt: number
  readonly counters: Record<Direction, MutableByteCounters> = {
    upstream: { receivedBytes: 0, sentBytes: 0 },
    downstream: { receivedBytes: 0, sentBytes: 0 },
  }
  /** Set when a reset_peer toxic existed at connect time: every close is then a TCP RST. */
  private readonly lingerZero: boolean
  private readonly links: Record<Direction, Link>
  private readonly closedController = new AbortController()
  private readonly clock: Clock
  private readonly onClosed: (connection: Connection) => void
  private finishedLinks = 0

  constructor(options: ConnectionOptions) {
    const { client, upstream, clock } = options
    this.client = client
    this.upstream = upstream
    this.clock = clock
    this.onClosed = options.onClosed
    this.openedAt = clock.now()
    this.clientAddress = formatAddress(client.remoteAddress, client.remotePort)
    this.upstreamAddress = formatAddress(upstream.localAddress, upstream.localPort)
    // Toxiproxy sets SO_LINGER 0 even when the toxicity draw makes the toxic a noop (#603).
    this.lingerZero = [...options.toxics.upstream, ...options.toxics.downstream].some((t) => t.kind.lingerZero)
    const closed = this.closedController.signal
    const link = (direction: Direction, source: Socket, dest: Socket) =>
      new Link({
        direction,
        source,
        dest,
        toxics: options.toxics[direction],
        env: { clock, closed, random: sfc32(options.seed, hashString(direction)) },
        counters: [this.counters[direction], options.proxyCounters[direction], options.metricCounters?.[direction]].filter((c) => c !== undefined),
        onFinished: () => this.linkFinished(direction),
      })
    for (const socket of [client, upstream]) {
      socket.on('error', () => {}) // reported through 'close'; a reset peer must not crash the process
      socket.on('close', () => this.socketClosed(socket))
    }
    this.links = {
      upstream: link('upstream', client, upstream),
      downstream: link('downstream', upstream, client),
    }
  }

  /** The link carrying one direction. */
  link(direction: Direction): Link {
    return this.links[direction]
  }

  get closed(): boolean {
    return this.closedController.signal.aborted
  }

  private socketClosed(socket: Socket): void {
    for (const link of Object.values(this.links)) {
      if (link.source === socket) link.endSource()
      if (link.dest === socket) link.destinationGone()
    }
  }

  private linkFinished(direction: Direction): void {
    const done = this.links[direction]
    const other = this.links[direction === 'upstream' ? 'downstream' : 'upstream']
    this.closeSocket(done.dest)
    other.endSource() // no half-close: what we just closed was the other link's source
    if (++this.finishedLinks === 2) this.release()
  }

  /** Ends a socket after flushing what was written to it (or resets it, with linger 0). */
  private closeSocket(socket: Socket): void {
    if (socket.destroyed) return
    if (this.lingerZero) {
      socket.resetAndDestroy()
      return
    }
    socket.end(() => socket.destroy())
  }

  /** Both directions are done: stop timers and stages, forget the connection. */
  private release(): void {
    if (this.closed) return
    this.closedController.abort()
    for (const link of Object.values(this.links)) link.destroy()
    this.onClosed(this)
  }

  /** Closes at once (proxy disabled or deleted, server closing): no flushing. */
  destroy(): void {
    for (const socket of [this.client, this.upstream]) {
      if (socket.destroyed) continue
      if (this.lingerZero) socket.resetAndDestroy()
      else socket.destroy()
    }
    this.release()
  }

  /** A snapshot for `GET /proxies/{p}/connections`. */
  info(): ConnectionInfo {
    const toxics = (['upstream', 'downstream'] as const).flatMap((stream) =>
      this.links[stream].toxicStates().map((t) => ({ name: t.name, stream, active: t.active })),
    )
    return {
      client: this.clientAddress,
      upstream: this.upstreamAddress,
      ageMs: Math.round(this.clock.now() - this.openedAt),
      upstreamBytes: { ...this.counters.upstream },
      downstreamBytes: { ...this.counters.downstream },
      toxics,
    }
  }
}

/** `host:port`, bracketing IPv6 like Go does. */
export function formatAddress(host: string | undefined, port: number | undefined): string {
  const h = host ?? ''
  return `${h.includes(':') ? `[${h}]` : h}:${port ?? 0}`
}
