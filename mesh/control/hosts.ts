/**
 * Host names as Istio resolves them: short names live in a namespace (`reviews` in `default` is
 * `reviews.default.svc.cluster.local`), anything with a dot is taken as written, and `*` prefixes are
 * wildcards that match by suffix.
 */

import { FrozenSet } from './freeze.ts'

export const CLUSTER_DOMAIN = 'svc.cluster.local'

/**
 * `reviews` → `reviews.default.svc.cluster.local`. Names containing a dot and wildcards are returned as they
 * are (Istio's ResolveShortnameToFQDN: `reviews.default` in a VirtualService is *not* expanded).
 */
export function toFqdn(host: string, namespace = 'default'): string {
  if (host.startsWith('*') || host.includes('.')) return host
  return `${host}.${namespace}.${CLUSTER_DOMAIN}`
}

/**
 * True if `host` is covered by `pattern`: equal (ignoring case), `pattern` is `*`, or `pattern` is `*suffix`
 * and `host` ends with that suffix (`*.example.com` covers `a.example.com` and `*.b.example.com`, not
 * `example.com`). A wildcard `host` is covered only by a wider or equal wildcard. Pass FQDNs (see toFqdn).
 */
export function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase()
  const h = host.toLowerCase()
  if (p === '*') return true
  if (!p.startsWith('*')) return p === h
  if (h.startsWith('*')) return h.length >= p.length && h.slice(1).endsWith(p.slice(1))
  return h.endsWith(p.slice(1))
}

/** True if some host could match both (Istio's host.Name.Matches), e.g. `*.com` and `a.example.com`. */
export function hostsOverlap(a: string, b: string): boolean {
  return hostMatches(a, b) || hostMatches(b, a)
}

/** `reviews:9080` → `reviews`; `[::1]:80` → `::1`; the port is dropped. */
export function stripPort(authority: string): string {
  if (authority.startsWith('[')) {
    const end = authority.indexOf(']')
    return end < 0 ? authority : authority.slice(1, end)
  }
  const colon = authority.lastIndexOf(':')
  if (colon < 0 || authority.indexOf(':') !== colon) return authority // no port, or a bare IPv6 address
  return /^\d*$/.test(authority.slice(colon + 1)) ? authority.slice(0, colon) : authority
}

export interface AuthorityOptions {
  /** Namespace for a bare name (`reviews`). Default `default`. */
  readonly namespace?: string
  /** Namespaces that exist: `name.<ns>` in this set is read as a cluster service. Default `default`, `istio-system`. */
  readonly namespaces?: ReadonlySet<string>
}

/**
 * What a caller sends as Host/:authority → the service FQDN, as Kubernetes DNS search paths and Istio's
 * virtual-host domains resolve it: `reviews`, `reviews:9080`, `reviews.default`, `reviews.default.svc`,
 * `reviews.default.svc.cluster.local:9080` all give `reviews.default.svc.cluster.local`. Other hosts come
 * back lower-cased without port and trailing dot.
 */
export function authorityToFqdn(authority: string, opts: AuthorityOptions = {}): string {
  const host = stripPort(authority.trim()).toLowerCase().replace(/\.$/, '')
  if (host === '' || host.includes(':')) return host
  const labels = host.split('.')
  if (labels.length === 1) return /^\d+$/.test(host) ? host : `${host}.${opts.namespace ?? 'default'}.${CLUSTER_DOMAIN}`
  if (host.endsWith(`.${CLUSTER_DOMAIN}`)) return host
  if (labels.length === 3 && labels[2] === 'svc') return `${host}.cluster.local`
  const namespaces = opts.namespaces ?? DEFAULT_NAMESPACES
  if (labels.length === 2 && namespaces.has(labels[1]!)) return `${host}.${CLUSTER_DOMAIN}`
  return host
}

const DEFAULT_NAMESPACES: ReadonlySet<string> = new FrozenSet(['default', 'istio-system'])
