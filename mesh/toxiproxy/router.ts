/**
 * Request routing that behaves like Toxiproxy's gorilla/mux setup: percent-decoded paths,
 * `{var}` segments, 404 `404 page not found`, 405 with an empty body, unclean paths redirected,
 * and (only on matched routes) a request id header and the browser block.
 */
import { randomBytes } from 'node:crypto'
import { posix } from 'node:path'

/** What a handler sees. `body()` reads the request body once, size-limited. */
export interface ApiRequest {
  readonly params: Readonly<Record<string, string>>
  body(): Promise<Uint8Array>
}

/** What a handler returns; `body` undefined means none (204). */
export interface ApiResponse {
  readonly status: number
  readonly contentType?: string
  readonly body?: string
}

/** An endpoint. Throwing a ToxiproxyError answers with that error. */
export type ApiHandler = (request: ApiRequest) => Promise<ApiResponse>

/** A path pattern such as `/proxies/{proxy}/toxics` and the methods it answers. */
export interface Route {
  readonly methods: readonly string[]
  readonly segments: readonly string[]
  readonly handler: ApiHandler
}

/** Declares a route; `{name}` segments match one non-empty path segment; method `*` matches any. */
export function route(methods: string | readonly string[], pattern: string, handler: ApiHandler): Route {
  return { methods: typeof methods === 'string' ? [methods] : methods, segments: pattern.split('/').slice(1), handler }
}

/** The outcome of routing: a handler, or mux's 404 / 405. */
export type RouteMatch =
  | { readonly kind: 'match'; readonly handler: ApiHandler; readonly params: Record<string, string> }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'method-not-allowed' }

/** First route whose path and method match, in declaration order (as mux does). */
export function matchRoute(routes: readonly Route[], method: string, path: string): RouteMatch {
  const parts = path.split('/').slice(1)
  let pathMatched = false
  for (const r of routes) {
    if (r.segments.length !== parts.length) continue
    const params: Record<string, string> = {}
    const ok = r.segments.every((seg, i) => {
      const part = parts[i]!
      if (seg.startsWith('{') && seg.endsWith('}')) {
        params[seg.slice(1, -1)] = part
        return part.length > 0
      }
      return seg === part
    })
    if (!ok) continue
    if (r.methods.includes(method) || r.methods.includes('*')) return { kind: 'match', handler: r.handler, params }
    pathMatched = true
  }
  return pathMatched ? { kind: 'method-not-allowed' } : { kind: 'not-found' }
}

/** Decodes `%XX` escapes to UTF-8 (invalid sequences become U+FFFD); throws on a malformed escape. */
export function decodePath(raw: string): string {
  if (!raw.includes('%')) return raw
  const bytes: number[] = []
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i)
    if (c === 0x25) {
      const hex = raw.slice(i + 1, i + 3)
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new URIError(`invalid URL escape "${raw.slice(i, i + 3)}"`)
      bytes.push(parseInt(hex, 16))
      i += 2
    } else {
      for (const b of Buffer.from(raw[i]!)) bytes.push(b)
    }
  }
  return Buffer.from(bytes).toString('utf8')
}

/** mux's cleanPath: `path.Clean`, keeping a trailing slash. */
export function cleanPath(p: string): string {
  if (p === '') return '/'
  if (!p.startsWith('/')) p = `/${p}`
  let clean = posix.normalize(p)
  if (clean.length > 1 && clean.endsWith('/')) clean = clean.slice(0, -1)
  if (p.endsWith('/') && clean !== '/') clean += '/'
  return clean
}

// === request ids (xid format: 12 bytes, base32hex, 20 chars) ===

const XID_ALPHABET = '0123456789abcdefghijklmnopqrstuv'

/** A generator of 20-character xid-style ids, like the `X-Toxiproxy-Request-Id` Toxiproxy sends. */
export function requestIds(): () => string {
  const machine = randomBytes(3)
  const pid = process.pid & 0xffff
  let counter = randomBytes(3).readUIntBE(0, 3)
  return () => {
    const id = Buffer.alloc(12)
    id.writeUInt32BE(Math.floor(Date.now() / 1000) >>> 0, 0)
    machine.copy(id, 4)
    id.writeUInt16BE(pid, 7)
    counter = (counter + 1) & 0xffffff
    id.writeUIntBE(counter, 9, 3)
    let bits = 0
    let value = 0
    let out = ''
    for (const byte of id) {
      value = (value << 8) | byte
      bits += 8
      while (bits >= 5) {
        out += XID_ALPHABET[(value >>> (bits - 5)) & 31]
        bits -= 5
      }
    }
    if (bits > 0) out += XID_ALPHABET[(value << (5 - bits)) & 31]
    return out
  }
}
