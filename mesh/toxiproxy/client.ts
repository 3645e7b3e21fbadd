/**
 * A small fetch-based client for any Toxiproxy 2.x server (the embedded one, or a real one given
 * with `--toxiproxy-url`). Unlike toxiproxy-node-client it URL-encodes names, reads error bodies
 * (`HTTP 404: proxy not found`, as the Go CLI prints) and has a timeout.
 */
import { ToxiproxyError } from './errors.ts'
import type { ProxyInput, ProxyJson, ProxyUpdate, ToxicInput, ToxicJson, ToxiproxyApi, ToxicUpdate } from './types.ts'

/** Client options. */
export interface ToxiproxyClientOptions {
  /** Per request; default 30 s (Toxiproxy's own handler timeout is 25 s). */
  readonly timeoutMs?: number
}

/** A `ToxiproxyApi` over HTTP. `baseUrl` like `http://127.0.0.1:8474` (a trailing slash is fine). */
export function createToxiproxyClient(baseUrl: string, options: ToxiproxyClientOptions = {}): ToxiproxyApi {
  const base = baseUrl.replace(/\/+$/, '')
  const timeoutMs = options.timeoutMs ?? 30_000
  const enc = encodeURIComponent

  async function request(method: string, path: string, body?: unknown): Promise<unknown> {
    let res: Response
    try {
      res = await fetch(base + path, {
        method,
        // Not a browser UA: Toxiproxy answers 403 to anything starting with "Mozilla/".
        headers: { 'User-Agent': 'meshdojo-toxiproxy-client', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      })
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause
      const why = cause?.message ?? (error as Error).message
      throw new ToxiproxyError(0, `cannot reach Toxiproxy at ${base}: ${why}`, { cause: error, code: cause?.code })
    }
    const text = await res.text()
    if (!res.ok) {
      let detail = text.trim() || res.statusText
      let proxies: ProxyJson[] | undefined
      try {
        const parsed = JSON.parse(text) as { error?: unknown; proxies?: unknown }
        if (typeof parsed.error === 'string') detail = parsed.error
        if (Array.isArray(parsed.proxies)) proxies = parsed.proxies.map(toProxy)
      } catch {
        // not JSON (404 page not found, a proxy's HTML…): keep the text
      }
      throw new ToxiproxyError(res.status, detail, { proxies })
    }
    return text.length === 0 ? undefined : JSON.parse(text)
  }

  return {
    async version() {
      const res = await fetch(`${base}/version`, { headers: { 'User-Agent': 'meshdojo-toxiproxy-client' }, signal: AbortSignal.timeout(timeoutMs) }).catch((error: unknown) => {
        throw new ToxiproxyError(0, `cannot reach Toxiproxy at ${base}: ${(error as Error).message}`, { cause: error })
      })
      const text = (await res.text()).trim()
      if (!res.ok) throw new ToxiproxyError(res.status, text || res.statusText)
      try {
        return String((JSON.parse(text) as { version: unknown }).version) // 2.7+
      } catch {
        return text // older servers answer the bare version
      }
    },
    async listProxies() {
      const map = (await request('GET', '/proxies')) as Record<string, unknown>
      return Object.fromEntries(Object.keys(map).sort().map((k) => [k, toProxy(map[k])]))
    },
    getProxy: async (name) => toProxy(await request('GET', `/proxies/${enc(name)}`)),
    createProxy: async (input: ProxyInput) => toProxy(await request('POST', '/proxies', input)),
    async populate(inputs) {
      const out = (await request('POST', '/populate', inputs)) as { proxies?: unknown[] | null }
      return (out.proxies ?? []).map(toProxy) // Toxiproxy answers null for an empty list
    },
    updateProxy: async (name, update: ProxyUpdate) => toProxy(await request('POST', `/proxies/${enc(name)}`, update)),
    deleteProxy: async (name) => void (await request('DELETE', `/proxies/${enc(name)}`)),
    listToxics: async (proxy) => ((await request('GET', `/proxies/${enc(proxy)}/toxics`)) as unknown[]).map(toToxic),
    getToxic: async (proxy, toxic) => toToxic(await request('GET', `/proxies/${enc(proxy)}/toxics/${enc(toxic)}`)),
    addToxic: async (proxy, input: ToxicInput) => toToxic(await request('POST', `/proxies/${enc(proxy)}/toxics`, input)),
    // POST rather than PATCH: every 2.x server accepts it.
    updateToxic: async (proxy, toxic, update: ToxicUpdate) => toToxic(await request('POST', `/proxies/${enc(proxy)}/toxics/${enc(toxic)}`, update)),
    removeToxic: async (proxy, toxic) => void (await request('DELETE', `/proxies/${enc(proxy)}/toxics/${enc(toxic)}`)),
    reset: async () => void (await request('POST', '/reset')),
  }
}

/** Keeps the documented fields only (drops Go's `Logger`). */
function toProxy(raw: unknown): ProxyJson {
  const p = raw as ProxyJson
  return { name: p.name, listen: p.listen, upstream: p.upstream, enabled: p.enabled, toxics: (p.toxics ?? []).map(toToxic) }
}

function toToxic(raw: unknown): ToxicJson {
  const t = raw as ToxicJson
  return { attributes: { ...(t.attributes ?? {}) }, name: t.name, type: t.type, stream: t.stream, toxicity: t.toxicity }
}
