/**
 * One Toxiproxy proxy: a listener, its live connections, and its toxics per direction.
 * Each accepted client gets one fresh upstream dial; if that fails the client is closed (EOF).
 */
import { connect, type Server, type Socket } from 'node:net'
import type { Clock } from '../clock.ts'
import type { Random } from '../random.ts'
import { Connection } from './connection.ts'
import { errors } from './errors.ts'
import type { MutableByteCounters } from './link.ts'
import { AddressError, parsePort, resolveListen, splitHostPort } from './listen-address.ts'
import { BindError, bindListener, closeServers } from './listener.ts'
import type { ToxiproxyMetrics } from './metrics.ts'
import { type ToxicModel, toxicJson } from './toxic-model.ts'
import type { ConnectionInfo, Direction, ProxyJson, ProxyStats } from './types.ts'

/** What a proxy needs from its server. */
export interface ProxyEnv {
  readonly clock: Clock
  /** Draws one seed per accepted connection, so each connection's toxicity draws replay. */
  readonly random: Random
  /** Where `/metrics` reads each connection's bytes from. */
  readonly metrics?: ToxiproxyMetrics
}

/** A proxy and its data plane. State changes are serialized by the store. */
export class Proxy {
  listen: string
  upstream: string
  enabled = false
  readonly toxics: Record<Direction, ToxicModel[]> = { upstream: [], downstream: [] }
  private servers: readonly Server[] = []
  private readonly connections = new Set<Connection>()
  /** Every socket we accepted or dialed and haven't seen close: what stop() must destroy. */
  private readonly sockets = new Set<Socket>()
  private readonly counters: Record<Direction, MutableByteCounters> = {
    upstream: { receivedBytes: 0, sentBytes: 0 },
    downstream: { receivedBytes: 0, sentBytes: 0 },
  }
  private connectionsOpened = 0
  private connectionsClosed = 0
  private dialFailures = 0

  constructor(
    readonly name: string,
    listen: string,
    upstream: string,
    private readonly env: ProxyEnv,
  ) {
    this.listen = listen
    this.upstream = upstream
  }

  /** Binds the listen address; the stored listen becomes the bound address. 500 with Go's text on failure. */
  async start(): Promise<void> {
    if (this.enabled) return
    try {
      const resolved = await resolveListen(this.listen)
      const bound = await bindListener(resolved, (socket) => this.accept(socket))
      this.servers = bound.servers
      this.listen = bound.address
      this.enabled = true
    } catch (error) {
      if (error instanceof AddressError) throw errors.internal(`listen tcp: ${error.message}`, undefined, error)
      if (error instanceof BindError) throw errors.internal(error.message, error.code, error)
      throw error
    }
  }

  /** Closes the listener and every connection (abruptly, like Toxiproxy's Close). */
  async stop(): Promise<void> {
    if (!this.enabled) return
    this.enabled = false
    const closing = closeServers(this.servers)
    this.servers = []
    for (const connection of [...this.connections]) connection.destroy()
    for (const socket of this.sockets) socket.destroy()
    await closing
  }

  /**
   * Whether an update to `listen`/`upstream` needs a restart: Toxiproxy compares the resolved
   * new listen with the stored one, so `localhost:P` against `127.0.0.1:P` is no change.
   * Throws Go's resolve error (500) for an unparsable address.
   */
  async differs(listen: string, upstream: string): Promise<boolean> {
    try {
      const resolved = await resolveListen(listen)
      return resolved.display !== this.listen || upstream !== this.upstream
    } catch (error) {
      if (error instanceof AddressError) throw errors.internal(error.message, undefined, error)
      throw error
    }
  }

  // === toxics: the model changes now, live connections follow asynchronously ===

  addToxic(model: ToxicModel): void {
    this.toxics[model.direction].push(model)
    for (const c of this.connections) c.link(model.direction).addToxic(model)
  }

  updateToxic(model: ToxicModel): void {
    const list = this.toxics[model.direction]
    list[list.findIndex((t) => t.id === model.id)] = model
    for (const c of this.connections) c.link(model.direction).updateToxic(model)
  }

  removeToxic(model: ToxicModel): void {
    const list = this.toxics[model.direction]
    list.splice(list.findIndex((t) => t.id === model.id), 1)
    for (const c of this.connections) c.link(model.direction).removeToxic(model.id)
  }

  findToxic(name: string): ToxicModel | undefined {
    return this.toxics.upstream.find((t) => t.name === name) ?? this.toxics.downstream.find((t) => t.name === name)
  }

  // === data plane ===

  private track(socket: Socket): void {
    this.sockets.add(socket)
    socket.once('close', () => this.sockets.delete(socket))
  }

  private accept(client: Socket): void {
    if (!this.enabled) {
      client.destroy()
      return
    }
    this.track(client)
    client.on('error', () => {})
    const fail = () => {
      this.dialFailures++
      client.destroy() // the client reads EOF: accepted, then closed (no "connection refused")
    }
    let host: string
    let port: number
    try {
      const split = splitHostPort(this.upstream)
      host = split.host === '' ? 'localhost' : split.host
      port = parsePort(split.port)
    } catch {
      return fail()
    }
    const upstream = connect({ host, port, allowHalfOpen: true, noDelay: true })
    this.track(upstream)
    let connected = false
    upstream.on('error', () => {
      if (connected) return // the connection handles errors from here on
      upstream.destroy()
      fail()
    })
    upstream.once('connect', () => {
      connected = true
      if (client.destroyed || !this.enabled) {
        upstream.destroy()
        return
      }
      this.connectionsOpened++
      // Labelled as Toxiproxy does, with the addresses in force when the connection began.
      const series = (direction: Direction) => this.env.metrics?.series({ direction, listener: this.listen, proxy: this.name, upstream: this.upstream })
      const connection = new Connection({
        client,
        upstream,
        toxics: { upstream: [...this.toxics.upstream], downstream: [...this.toxics.downstream] },
        clock: this.env.clock,
        seed: Math.floor(this.env.random() * 2 ** 32),
        proxyCounters: this.counters,
        metricCounters: { upstream: series('upstream'), downstream: series('downstream') },
        onClosed: (c) => {
          this.connectionsClosed++
          this.connections.delete(c)
        },
      })
      this.connections.add(connection)
    })
  }

  // === views ===

  json(): ProxyJson {
    return {
      name: this.name,
      listen: this.listen,
      upstream: this.upstream,
      enabled: this.enabled,
      toxics: [...this.toxics.upstream, ...this.toxics.downstream].map(toxicJson),
    }
  }

  stats(): ProxyStats {
    return {
      upstream: { ...this.counters.upstream },
      downstream: { ...this.counters.downstream },
      connectionsOpened: this.connectionsOpened,
      connectionsClosed: this.connectionsClosed,
      connectionsActive: this.connections.size,
      upstreamDialFailures: this.dialFailures,
    }
  }

  connectionInfo(): ConnectionInfo[] {
    return [...this.connections].map((c) => c.info())
  }
}
