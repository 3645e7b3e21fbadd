/** The consistent-hash key of a request (DestinationRule `loadBalancer.consistentHash`). */
import { headerValue, type MeshRequest, type StreamInfo } from '../filter.ts'
import type { ConsistentHashKey } from '../control/types.ts'
import type { Random } from '../random.ts'

export function hashKeyOf(spec: ConsistentHashKey): (req: MeshRequest) => string | undefined {
  switch (spec.kind) {
    case 'header':
      return (req) => headerValue(req.headers, spec.name.toLowerCase())
    case 'cookie':
      return (req) => cookieValue(headerValue(req.headers, 'cookie'), spec.name)
    case 'queryParameter':
      return (req) => new URLSearchParams(req.path.split('?')[1] ?? '').get(spec.name) ?? undefined
    case 'sourceIp':
      // Every caller is on 127.0.0.1 here; the calling workload stands in for its pod IP.
      return (req) => headerValue(req.headers, 'x-forwarded-for') ?? headerValue(req.headers, 'x-envoy-peer-metadata-id') ?? '127.0.0.1'
  }
}

/** A cookie value handed out to a client that sent none, and the `Set-Cookie` that carries it. */
export interface GeneratedCookie {
  readonly value: string
  readonly setCookie: string
}

/**
 * `httpCookie` with a `ttl` (Envoy's CookieHashMethod): a request without the cookie gets a fresh
 * value to hash on, and its response hands that value out, so the client's next requests stick to
 * the same endpoint. Undefined for other keys and for a cookie without `ttl`: then a request with no
 * key is spread at random, as in Envoy. A ttl of 0 gives a session cookie (no Max-Age), as in Envoy.
 */
export function hashCookieOf(spec: ConsistentHashKey, random: Random): ((req: MeshRequest) => GeneratedCookie) | undefined {
  if (spec.kind !== 'cookie' || spec.ttlMs === undefined) return undefined
  const maxAgeS = Math.floor(spec.ttlMs / 1000) // Envoy keeps whole seconds
  // Envoy's order and quoting (Http::Utility::makeSetCookieValue): Max-Age, Path, the configured
  // attributes (`name=value`, or just `name` when the value is empty), HttpOnly.
  const extra = (spec.attributes ?? []).map((a) => (a.value ? `; ${a.name}=${a.value}` : `; ${a.name}`)).join('')
  const attributes = `${maxAgeS > 0 ? `; Max-Age=${maxAgeS}` : ''}${spec.path ? `; Path=${spec.path}` : ''}${extra}; HttpOnly`
  // Envoy hashes the downstream connection's addresses, so each connection gets its own value and
  // every try of a request the same one. Here every caller is 127.0.0.1 (no port is recorded), so a
  // seeded draw per request stands in for it, kept for the request's retries.
  const issued = new WeakMap<StreamInfo, string>()
  return (req) => {
    let value = issued.get(req.info)
    if (value === undefined) {
      value = hex32(random) + hex32(random) // 16 hex digits, like Envoy's 64-bit hash
      issued.set(req.info, value)
    }
    return { value, setCookie: `${spec.name}="${value}"${attributes}` }
  }
}

const hex32 = (random: Random) => Math.floor(random() * 2 ** 32).toString(16).padStart(8, '0')

/** Envoy's parseCookieValue: the first `name=`, surrounding double quotes dropped; empty counts as absent. */
function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      let value = part.slice(eq + 1).trim()
      if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1)
      return value === '' ? undefined : value
    }
  }
  return undefined
}
