/**
 * AuthorizationPolicy values: the checks Istio's webhook makes on them (pkg/config/security), and their
 * compilation, at parse time, into the matchers Istio generates for Envoy's RBAC filter. Globs Istio turns into
 * regexes (namespaces, service accounts, trust domains, path templates) run on RE2: linear in the input, so a
 * long crafted principal or path cannot stall a sidecar.
 */

import { BlockList, isIP } from 'node:net'
import type { AuthzMatcher } from '../types.ts'
import { strList } from './fields.ts'
import { quoteRe2, Re2 } from './regex.ts'
import { at, type Reporter } from './reporter.ts'

/** A list of strings where an empty string is not allowed (Istio's CheckEmptyValues). */
export function values(v: unknown, field: string, r: Reporter): string[] {
  const out = strList(v, field, r)
  out.forEach((s, i) => s === '' && r.error('MD0106', at(field, i), 'empty value not allowed', s))
  return out
}

// === checks ===

/** Trust domains: at most one `*`, only at the start or end (exact, `prefix*`, `*suffix`, or `*`), and no `/`. */
export function checkTrustDomains(vals: readonly string[], field: string, r: Reporter): void {
  vals.forEach((s, i) => {
    const stars = s.split('*').length - 1
    if (stars > 1) r.error('MD0106', at(field, i), 'at most one wildcard is allowed', s)
    else if (stars === 1 && s !== '*' && !s.startsWith('*') && !s.endsWith('*')) r.error('MD0106', at(field, i), 'wildcard is only allowed at the start or end', s)
    else if (s.includes('/')) r.error('MD0106', at(field, i), "trust domain must not contain '/'", s)
  })
}

/** Principals are exact, `prefix*`, `*suffix` or `*`: a `*` anywhere else is matched as a character, which is rarely meant. */
export function warnInnerWildcards(vals: readonly string[], field: string, r: Reporter): void {
  vals.forEach((s, i) => {
    if (s.length > 2 && s.slice(1, -1).includes('*')) r.warn('MD0121', at(field, i), 'only a leading or trailing * is a wildcard; the * inside is matched as a character', s)
  })
}

export function checkServiceAccounts(vals: readonly string[], field: string, r: Reporter): void {
  if (vals.length > 16) r.error('MD0106', field, 'may not have more than 16 values')
  vals.forEach((s, i) => {
    const f = at(field, i)
    if (s.includes('*')) r.error('MD0106', f, 'wildcard not allowed', s)
    else if (s.split('/').length > 2 || s.startsWith('/') || s.endsWith('/')) r.error('MD0106', f, "expected format 'serviceAccount' or 'namespace/serviceAccount'", s)
    else if (s.length > 320) r.error('MD0106', f, 'value cannot exceed 320 characters', s)
  })
}

export function checkIps(vals: readonly string[], field: string, r: Reporter): void {
  vals.forEach((s, i) => {
    if (cidr(s) === undefined) r.error('MD0106', at(field, i), s.includes('/') ? 'bad CIDR range' : 'bad IP address', s)
  })
}

export function checkPorts(vals: readonly string[], field: string, r: Reporter): void {
  vals.forEach((s, i) => {
    if (!/^\d+$/.test(s) || Number(s) > 65535) r.error('MD0111', at(field, i), 'bad port: must be a number from 0 to 65535 written as a string', s)
  })
}

/** `{*}` (one segment) and `{**}` (the rest, last only) are Envoy's path templates; other braces are invalid. */
export function checkPathTemplates(vals: readonly string[], field: string, r: Reporter): void {
  vals.forEach((s, i) => {
    if (!s.includes('{') && !s.includes('}')) return
    let sawAny = false
    for (const glob of trimSlashes(s).split('/')) {
      if (glob === '{*}' && !sawAny) continue
      if (glob === '{**}' && !sawAny) {
        sawAny = true
        continue
      }
      if (glob === '{*}' || glob === '{**}') return r.error('MD0106', at(field, i), '{**} is not the last operator', s)
      if (/[{}]/.test(glob)) return r.error('MD0106', at(field, i), "contains '{' or '}' beyond a supported path template", s)
    }
  })
}

// === matchers ===

const matcher = (source: string, matches: (attribute: string) => boolean): AuthzMatcher => ({ source, matches })

/** Istio's string match: exact, `prefix*`, `*suffix`, or `*` (any non-empty value). */
export function stringMatcher(value: string, opts: { ignoreCase?: boolean } = {}): AuthzMatcher {
  const p = opts.ignoreCase ? value.toLowerCase() : value
  const norm = (v: string) => (opts.ignoreCase ? v.toLowerCase() : v)
  if (p === '*') return matcher(value, (v) => v !== '')
  if (p.startsWith('*')) {
    const suffix = p.slice(1)
    return matcher(value, (v) => v !== '' && norm(v).endsWith(suffix))
  }
  if (p.endsWith('*')) {
    const prefix = p.slice(0, -1)
    return matcher(value, (v) => v !== '' && norm(v).startsWith(prefix))
  }
  return matcher(value, (v) => v !== '' && norm(v) === p)
}

/** `principals`, `source.principal`: the value without `spiffe://`, matched against the peer certificate's URI SAN. */
export function principalMatcher(value: string): AuthzMatcher {
  if (value === '*') return matcher(value, (peer) => peer !== '')
  if (value.startsWith('*')) {
    const suffix = value.slice(1)
    return matcher(value, (peer) => peer.startsWith('spiffe://') && peer.endsWith(suffix))
  }
  const m = stringMatcher(`spiffe://${value}`)
  return matcher(value, (peer) => m.matches(peer))
}

/** `namespaces`, `source.namespace`: Istio matches `.*\/ns/<namespace>/.*` on the peer identity; each `*` is a wildcard. */
export function namespaceMatcher(value: string): AuthzMatcher {
  const re = Re2.compile(`.*/ns/${value.split('*').map(quoteRe2).join('.*')}/.*`)
  return matcher(value, (peer) => peer !== '' && re.matches(peer))
}

/** `serviceAccounts`: `name` (in the policy's namespace) or `namespace/name`. */
export function serviceAccountMatcher(value: string, policyNamespace: string): AuthzMatcher {
  const [ns, sa] = value.includes('/') ? (value.split('/') as [string, string]) : [policyNamespace, value]
  const re = Re2.compile(`spiffe://.+/ns/${quoteRe2(ns)}/(?:.+/|)sa/${quoteRe2(sa)}(?:/.+)?`)
  return matcher(value, (peer) => re.matches(peer))
}

export function trustDomainMatcher(value: string): AuthzMatcher {
  if (value === '*') return matcher(value, (peer) => peer.startsWith('spiffe://'))
  if (!value.includes('*')) return matcher(value, (peer) => peer.startsWith(`spiffe://${value}/`))
  const [a, b] = value.split('*') as [string, string]
  const re = Re2.compile(`spiffe://${quoteRe2(a)}[^/]*${quoteRe2(b)}/.*`)
  return matcher(value, (peer) => re.matches(peer))
}

/** An address or CIDR block; IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`) match as IPv4. Only for checked values. */
export function ipMatcher(value: string): AuthzMatcher {
  const blocks = new BlockList()
  const block = cidr(value)!
  if (block.bits === undefined) blocks.addAddress(block.address, block.type)
  else blocks.addSubnet(block.address, block.bits, block.type)
  return matcher(value, (address) => {
    const a = address.replace(/^::ffff:/, '')
    return a !== '' && isIP(a) !== 0 && blocks.check(a, isIP(a) === 6 ? 'ipv6' : 'ipv4')
  })
}

/** `ports`, `destination.port`: compared as numbers (`"09080"` is 9080). Only for checked values. */
export function portMatcher(value: string): AuthzMatcher {
  const port = Number(value)
  return matcher(value, (attribute) => attribute !== '' && Number(attribute) === port)
}

/** Paths: Istio's string match, or Envoy's URI template (`{*}` one segment, `{**}` the rest). */
export function pathMatcher(value: string): AuthzMatcher {
  if (!value.includes('{*}') && !value.includes('{**}')) return stringMatcher(value)
  const re = Re2.compile(value.split('/').map((seg) => (seg === '{*}' ? '[^/]+' : seg === '{**}' ? '.*' : quoteRe2(seg))).join('/'))
  return matcher(value, (path) => re.matches(path))
}

function cidr(s: string): { address: string; bits?: number; type: 'ipv4' | 'ipv6' } | undefined {
  const [address = '', bits, extra] = s.split('/')
  const family = isIP(address)
  if (family === 0 || extra !== undefined) return undefined
  const type = family === 6 ? 'ipv6' : 'ipv4'
  if (bits === undefined) return { address, type }
  if (!/^\d+$/.test(bits) || Number(bits) > (family === 6 ? 128 : 32)) return undefined
  return { address, bits: Number(bits), type }
}

/** `s` without leading and trailing `/`. A loop, not `/\/+$/`: that regex backtracks over every run of slashes. */
function trimSlashes(s: string): string {
  let start = 0
  let end = s.length
  while (start < end && s[start] === '/') start++
  while (end > start && s[end - 1] === '/') end--
  return s.slice(start, end)
}
