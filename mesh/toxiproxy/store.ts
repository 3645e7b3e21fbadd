/**
 * The embedded Toxiproxy's state: proxies and their toxics, with Toxiproxy 2.12's semantics,
 * validation order and errors. The REST API and programmatic callers both go through here.
 * Mutations are serialized (like Toxiproxy's collection lock) but never wait on the data plane.
 */
import type { Clock } from '../clock.ts'
import type { Random } from '../random.ts'
import { bodyNode, decodeAttributes, decodePopulate, decodeProxy, decodeToxic, decodeToxicUpdate, type ProxyFields, type RawJson } from './bodies.ts'
import { errors, ToxiproxyError } from './errors.ts'
import { Proxy, type ProxyEnv } from './proxy.ts'
import { type ToxicModel, toxicJson } from './toxic-model.ts'
import { toxicKind } from './toxics/index.ts'
import type {
  ConnectionInfo,
  Direction,
  ProxyInput,
  ProxyJson,
  ProxyStats,
  ProxyUpdate,
  ToxicInput,
  ToxicJson,
  ToxiproxyApi,
  ToxiproxyChange,
  ToxicUpdate,
} from './types.ts'

/** The version Toxiproxy clients see. */
export const TOXIPROXY_VERSION = '2.12.0'

/** Toxiproxy's proxies and toxics, live. Implements `ToxiproxyApi`, plus counters and change events. */
export class ToxiproxyStore implements ToxiproxyApi {
  private readonly proxies = new Map<string, Proxy>()
  private readonly listeners = new Set<(change: ToxiproxyChange) => void>()
  private lock: Promise<unknown> = Promise.resolve()
  private nextToxicId = 1
  private closed = false

  constructor(private readonly env: ProxyEnv) {}

  // === ToxiproxyApi ===

  async version(): Promise<string> {
    return TOXIPROXY_VERSION
  }

  async listProxies(): Promise<Record<string, ProxyJson>> {
    const names = [...this.proxies.keys()].sort()
    return Object.fromEntries(names.map((n) => [n, this.proxies.get(n)!.json()]))
  }

  async getProxy(name: string): Promise<ProxyJson> {
    return this.proxy(name).json()
  }

  /** Checks run in Toxiproxy's order: body, name, upstream, duplicate (409), bind (500). */
  createProxy(input: ProxyInput | RawJson): Promise<ProxyJson> {
    return this.exclusive(async () => {
      const fields = decodeProxy(bodyNode(input))
      validate(fields, '')
      if (this.proxies.has(fields.name)) throw errors.proxyAlreadyExists()
      const proxy = new Proxy(fields.name, fields.listen, fields.upstream, this.env)
      if (fields.enabled ?? true) await proxy.start()
      this.proxies.set(proxy.name, proxy)
      this.emit({ kind: 'proxy-created', proxy: proxy.name })
      return proxy.json()
    })
  }

  /**
   * Validates every item first (nothing created on a 400), then creates, keeps (same listen and
   * upstream: toxics and enabled flag survive) or replaces each in order. The first failure stops
   * it; the error carries the proxies done so far.
   */
  populate(inputs: readonly ProxyInput[] | RawJson): Promise<ProxyJson[]> {
    return this.exclusive(async () => {
      const items = decodePopulate(bodyNode(inputs))
      items.forEach((item, i) => validate(item, ` at proxy ${i + 1}`))
      const done: Proxy[] = []
      try {
        for (const item of items) {
          const existing = this.proxies.get(item.name)
          if (existing && !(await existing.differs(item.listen, item.upstream))) {
            done.push(existing)
            continue
          }
          if (existing) await existing.stop() // replaced: its toxics go with it
          const proxy = new Proxy(item.name, item.listen, item.upstream, this.env)
          if (item.enabled ?? true) await proxy.start()
          this.proxies.set(proxy.name, proxy)
          this.emit({ kind: existing ? 'proxy-updated' : 'proxy-created', proxy: proxy.name })
          done.push(proxy)
        }
      } catch (error) {
        if (!(error instanceof ToxiproxyError)) throw error
        throw new ToxiproxyError(error.status, error.detail, { code: error.code, cause: error, proxies: done.map((p) => p.json()) })
      }
      return done.map((p) => p.json())
    })
  }

  /** Defaults are the current values; restarts only if listen/upstream differ; name and toxics are ignored. */
  updateProxy(name: string, update: ProxyUpdate | RawJson): Promise<ProxyJson> {
    return this.exclusive(async () => {
      const proxy = this.proxy(name)
      const { listen, upstream, enabled = proxy.enabled } = decodeProxy(bodyNode(update), {
        listen: proxy.listen,
        upstream: proxy.upstream,
        enabled: proxy.enabled,
      })
      if (await proxy.differs(listen, upstream)) {
        await proxy.stop()
        proxy.listen = listen
        proxy.upstream = upstream
      }
      if (enabled !== proxy.enabled) {
        if (enabled) await proxy.start()
        else await proxy.stop()
      }
      this.emit({ kind: 'proxy-updated', proxy: name })
      return proxy.json()
    })
  }

  deleteProxy(name: string): Promise<void> {
    return this.exclusive(async () => {
      const proxy = this.proxy(name)
      await proxy.stop()
      this.proxies.delete(name)
      this.emit({ kind: 'proxy-deleted', proxy: name })
    })
  }

  async listToxics(proxy: string): Promise<ToxicJson[]> {
    return [...this.proxy(proxy).json().toxics]
  }

  async getToxic(proxy: string, toxic: string): Promise<ToxicJson> {
    const model = this.proxy(proxy).findToxic(toxic)
    if (!model) throw errors.toxicNotFound()
    return toxicJson(model)
  }

  /**
   * Checks run in Toxiproxy's order: proxy (404), body (400), stream (400), default name,
   * type (400), unique name across both streams (409), attributes (400). Applies to live connections.
   */
  addToxic(proxyName: string, input: ToxicInput | RawJson): Promise<ToxicJson> {
    return this.exclusive(async () => {
      const proxy = this.proxy(proxyName)
      const fields = decodeToxic(bodyNode(input))
      const stream = fields.stream ?? 'downstream'
      const direction = parseDirection(stream)
      const name = fields.name || `${fields.type}_${stream}`
      const kind = toxicKind(fields.type)
      if (!kind) throw errors.invalidToxicType()
      if (proxy.findToxic(name)) throw errors.toxicAlreadyExists()
      const model: ToxicModel = {
        id: this.nextToxicId++,
        name,
        kind,
        stream,
        direction,
        toxicity: fields.toxicity ?? 1,
        attributes: decodeAttributes(kind, fields.attributes),
      }
      proxy.addToxic(model)
      this.emit({ kind: 'toxic-added', proxy: proxyName, toxic: name })
      return toxicJson(model)
    })
  }

  /** Attributes merge over the current ones; name, type and stream can't change. Live connections follow. */
  updateToxic(proxyName: string, toxicName: string, update: ToxicUpdate | RawJson): Promise<ToxicJson> {
    return this.exclusive(async () => {
      const proxy = this.proxy(proxyName)
      const current = proxy.findToxic(toxicName)
      if (!current) throw errors.toxicNotFound()
      const { attributes, toxicity } = decodeToxicUpdate(current.kind, bodyNode(update), current)
      const model: ToxicModel = { ...current, attributes, toxicity }
      proxy.updateToxic(model)
      this.emit({ kind: 'toxic-updated', proxy: proxyName, toxic: toxicName })
      return toxicJson(model)
    })
  }

  /** Answers at once; live connections flush and rewire in the background (a timeout toxic closes them). */
  removeToxic(proxyName: string, toxicName: string): Promise<void> {
    return this.exclusive(async () => {
      const proxy = this.proxy(proxyName)
      const model = proxy.findToxic(toxicName)
      if (!model) throw errors.toxicNotFound()
      proxy.removeToxic(model)
      this.emit({ kind: 'toxic-removed', proxy: proxyName, toxic: toxicName })
    })
  }

  /** Starts every disabled proxy (a bind failure aborts with 500) and removes every toxic. */
  reset(): Promise<void> {
    return this.exclusive(async () => {
      for (const proxy of this.proxies.values()) {
        await proxy.start()
        for (const direction of ['upstream', 'downstream'] as const) {
          for (const model of [...proxy.toxics[direction]]) proxy.removeToxic(model)
        }
      }
      this.emit({ kind: 'reset' })
    })
  }

  // === embedded extras ===

  /** True if a proxy of that name exists. */
  has(name: string): boolean {
    return this.proxies.has(name)
  }

  /** Byte and connection counters of a proxy (404 error if unknown). */
  stats(name: string): ProxyStats {
    return this.proxy(name).stats()
  }

  /** Live connections of a proxy, with which toxics apply to each. */
  connections(name: string): ConnectionInfo[] {
    return this.proxy(name).connectionInfo()
  }

  /** Calls `listener` after every proxy or toxic change. Returns an unsubscribe function. */
  onChange(listener: (change: ToxiproxyChange) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Stops every proxy (listeners and connections). Further changes are refused. */
  close(): Promise<void> {
    return this.exclusive(async () => {
      this.closed = true
      await Promise.all([...this.proxies.values()].map((p) => p.stop()))
      this.listeners.clear()
    })
  }

  // === internals ===

  private proxy(name: string): Proxy {
    const proxy = this.proxies.get(name)
    if (!proxy) throw errors.proxyNotFound()
    return proxy
  }

  /** One mutation at a time, in arrival order; a failure doesn't block the next. */
  private exclusive<T>(op: () => Promise<T>): Promise<T> {
    const run = this.lock.then(() => {
      if (this.closed) throw new ToxiproxyError(503, 'toxiproxy server is closed')
      return op()
    })
    this.lock = run.catch(() => {})
    return run
  }

  private emit(change: ToxiproxyChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change)
      } catch {
        // a broken listener must not break the API
      }
    }
  }
}

function validate(fields: ProxyFields, where: string): void {
  if (fields.name.length < 1) throw errors.missingField(`name${where}`)
  if (fields.upstream.length < 1) throw errors.missingField(`upstream${where}`)
}

/** Case-insensitive, as Toxiproxy's ParseDirection. */
function parseDirection(stream: string): Direction {
  const lower = stream.toLowerCase()
  if (lower === 'upstream' || lower === 'downstream') return lower
  throw errors.invalidStream()
}
