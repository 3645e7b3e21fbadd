/**
 * VirtualService `match` blocks compiled into predicates. Fields in a block are ANDed, blocks are
 * ORed by the route table. `uri` is matched against the path without its query string; regexes are
 * RE2 (linear time, compiled at parse) and must match the whole string; header values are case-sensitive.
 */
import { headerValue, type MeshRequest } from '../filter.ts'
import type { HTTPMatchRequest, NamedMatch, StringMatch } from '../control/types.ts'

export type RequestPredicate = (req: MeshRequest, port: number) => boolean

export function stringMatches(match: StringMatch, value: string | undefined, ignoreCase = false): boolean {
  if (value === undefined) return false
  switch (match.kind) {
    case 'present':
      return true
    case 'exact':
      return ignoreCase ? value.toLowerCase() === match.value.toLowerCase() : value === match.value
    case 'prefix':
      return ignoreCase ? value.toLowerCase().startsWith(match.value.toLowerCase()) : value.startsWith(match.value)
    case 'regex':
      return match.regex.matches(value)
  }
}

/** Compiles one block; config-time fields (sourceLabels, gateways) are handled by the route table. */
export function compileMatch(m: HTTPMatchRequest): RequestPredicate {
  const checks: RequestPredicate[] = []
  if (m.uri) {
    const uri = m.uri
    const ignoreCase = m.ignoreUriCase && uri.kind !== 'regex'
    checks.push((req) => stringMatches(uri, pathOnly(req.path), ignoreCase))
  }
  if (m.method) {
    const method = m.method
    checks.push((req) => stringMatches(method, req.method))
  }
  if (m.authority) {
    const authority = m.authority
    checks.push((req) => stringMatches(authority, req.authority))
  }
  if (m.scheme) {
    const scheme = m.scheme
    checks.push((req) => stringMatches(scheme, req.scheme))
  }
  if (m.port !== undefined) {
    const port = m.port
    checks.push((_req, listenerPort) => listenerPort === port)
  }
  for (const h of m.headers) checks.push((req) => headerMatches(h, req))
  for (const h of m.withoutHeaders) checks.push((req) => !headerMatches(h, req))
  if (m.queryParams.length > 0) {
    const params = m.queryParams
    checks.push((req) => {
      const query = new URLSearchParams(req.path.split('?')[1] ?? '')
      return params.every((p) => stringMatches(p.match, query.get(p.name) ?? undefined))
    })
  }
  if (checks.length === 0) return () => true
  if (checks.length === 1) return checks[0]!
  return (req, port) => checks.every((check) => check(req, port))
}

function headerMatches(h: NamedMatch, req: MeshRequest): boolean {
  const raw = req.headers[h.name]
  const value = Array.isArray(raw) ? raw.join(',') : h.name === ':authority' ? req.authority : raw ?? headerValue(req.headers, h.name)
  return stringMatches(h.match, value)
}

export const pathOnly = (path: string): string => {
  const q = path.indexOf('?')
  return q < 0 ? path : path.slice(0, q)
}
