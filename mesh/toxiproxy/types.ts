/** The Toxiproxy API as TypeScript: JSON shapes, inputs, and the interface both the embedded store and the HTTP client implement. */

/** A stream as Toxiproxy names it: `upstream` is client→server, `downstream` is server→client. */
export type Direction = 'upstream' | 'downstream'

/** The toxic types Toxiproxy 2.12 accepts. */
export type ToxicType = 'latency' | 'bandwidth' | 'slow_close' | 'timeout' | 'reset_peer' | 'slicer' | 'limit_data' | 'noop'

/** A toxic as the API shows it. `attributes` lists every field of the type (0 when unset). */
export interface ToxicJson {
  readonly attributes: Readonly<Record<string, number>>
  readonly name: string
  readonly type: string
  /** As given at creation (case preserved, e.g. `UpStream`). */
  readonly stream: string
  /** A float32: 0.1 reads back as 0.1, not 0.10000000149. */
  readonly toxicity: number
}

/** A proxy as the API shows it (the REST layer adds Go's `"Logger":{}`). */
export interface ProxyJson {
  readonly name: string
  /** The address actually bound (e.g. `127.0.0.1:41234`), or the input verbatim while disabled. */
  readonly listen: string
  readonly upstream: string
  readonly enabled: boolean
  /** Upstream toxics first, then downstream, each in creation order. */
  readonly toxics: readonly ToxicJson[]
}

/** Body of `POST /proxies` and of each `/populate` item. */
export interface ProxyInput {
  name: string
  upstream: string
  /** Default `""`, which binds every interface on an ephemeral port (reported as `[::]:PORT`). */
  listen?: string
  /** Default true. */
  enabled?: boolean
}

/** Body of `POST|PATCH /proxies/{name}`; omitted fields keep their current value. */
export interface ProxyUpdate {
  listen?: string
  upstream?: string
  enabled?: boolean
}

/** Body of `POST /proxies/{name}/toxics`. */
export interface ToxicInput {
  type: ToxicType | (string & {})
  /** Default `<type>_<stream>`. Unique across both streams of the proxy. */
  name?: string
  /** Default `downstream`; matched case-insensitively. */
  stream?: Direction | (string & {})
  /** Probability the toxic applies to a link; default 1. Not range-checked (as in Toxiproxy). */
  toxicity?: number
  /** Integers; units per type (ms, KB/s, bytes, µs for slicer's delay). */
  attributes?: Readonly<Record<string, number>>
}

/** Body of `POST|PATCH /proxies/{p}/toxics/{t}`: attributes merge over the current ones. */
export interface ToxicUpdate {
  attributes?: Readonly<Record<string, number>>
  toxicity?: number
}

/**
 * The Toxiproxy API. The embedded store and `createToxiproxyClient(url)` both implement it,
 * with the same semantics and the same `ToxiproxyError`s, so callers needn't care which they hold.
 */
export interface ToxiproxyApi {
  /** The server version, e.g. `2.12.0`. */
  version(): Promise<string>
  /** Every proxy by name (keys sorted). */
  listProxies(): Promise<Record<string, ProxyJson>>
  getProxy(name: string): Promise<ProxyJson>
  /** 409 if the name is taken; 500 with Go's text if the address can't be bound. */
  createProxy(input: ProxyInput): Promise<ProxyJson>
  /** Creates or replaces proxies in order (see docs/toxiproxy.md for the rules); never deletes. */
  populate(inputs: readonly ProxyInput[]): Promise<ProxyJson[]>
  /** Restarts the proxy only if listen or upstream differ; disabling closes its live connections. */
  updateProxy(name: string, update: ProxyUpdate): Promise<ProxyJson>
  /** Closes the listener and every connection. */
  deleteProxy(name: string): Promise<void>
  listToxics(proxy: string): Promise<ToxicJson[]>
  getToxic(proxy: string, toxic: string): Promise<ToxicJson>
  /** Applies to existing connections too. */
  addToxic(proxy: string, input: ToxicInput): Promise<ToxicJson>
  updateToxic(proxy: string, toxic: string, update: ToxicUpdate): Promise<ToxicJson>
  removeToxic(proxy: string, toxic: string): Promise<void>
  /** Enables every proxy and removes every toxic. */
  reset(): Promise<void>
}

/** What changed, for listeners such as the dashboard. Fired after the change took effect. */
export type ToxiproxyChange =
  | { readonly kind: 'proxy-created' | 'proxy-updated' | 'proxy-deleted'; readonly proxy: string }
  | { readonly kind: 'toxic-added' | 'toxic-updated' | 'toxic-removed'; readonly proxy: string; readonly toxic: string }
  | { readonly kind: 'reset' }

/** Bytes through one direction of a proxy: read from the source, written to the destination. */
export interface ByteCounters {
  readonly receivedBytes: number
  readonly sentBytes: number
}

/** Counters of one proxy since it was created (a populate that replaces a proxy starts afresh). */
export interface ProxyStats {
  readonly upstream: ByteCounters
  readonly downstream: ByteCounters
  /** Clients accepted and connected to the upstream. */
  readonly connectionsOpened: number
  readonly connectionsClosed: number
  readonly connectionsActive: number
  /** Clients accepted but closed at once because the upstream could not be dialed. */
  readonly upstreamDialFailures: number
}

/** One live connection, as `GET /proxies/{p}/connections` (a meshdojo extension) lists it. */
export interface ConnectionInfo {
  /** The client's address, e.g. `127.0.0.1:53122`. */
  readonly client: string
  /** The proxy's own address towards the upstream. */
  readonly upstream: string
  readonly ageMs: number
  readonly upstreamBytes: ByteCounters
  readonly downstreamBytes: ByteCounters
  /** The toxics on this connection and whether their toxicity draw made them apply. */
  readonly toxics: ReadonlyArray<{ readonly name: string; readonly stream: Direction; readonly active: boolean }>
}
