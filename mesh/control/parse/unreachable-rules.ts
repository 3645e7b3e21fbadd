/**
 * Istio's check for routes that can never be used (IST0130) and matches that never apply (IST0131): a rule
 * after a catch-all, a match block that repeats an earlier one, and (http only) a uri prefix match shadowed by
 * an earlier, broader prefix with the same other conditions. Works on the raw YAML, for http, tcp and tls
 * routes alike; validation runs the http check (virtual-service.ts), analysis the tcp and tls ones
 * (analyze/unreachable-routes.ts), since tcp and tls routes are validated item by item only.
 */

import { stableStringify } from '../stable-json.ts'
import { isObj, type Obj } from './fields.ts'
import { at } from './reporter.ts'

/** Where findings go: a Reporter, or analysis's collector. */
export interface RuleFindings {
  warn(code: 'IST0130', field: string, message: string): void
  info(code: 'IST0131', field: string, message: string): void
}

/** `spec.http`: repeated and shadowed matches. http routes and match blocks may be named. */
export function checkUnreachableRules(http: readonly unknown[], field: string, r: RuleFindings): void {
  const prefixes = checkRepeatedMatches(http, field, r, true)
  checkShadowedPrefixes(prefixes, field, r)
}

/** `spec.tcp` or `spec.tls`: repeated matches (their routes and matches have no names). */
export function checkUnreachableL4Rules(routes: readonly unknown[], field: string, r: RuleFindings): void {
  checkRepeatedMatches(routes, field, r, false)
}

/**
 * Reports rules after a catch-all, and match blocks equal (ignoring `name`) to an earlier one. Returns the
 * other http match blocks with a uri prefix, in order, for the shadowing check.
 */
function checkRepeatedMatches(routes: readonly unknown[], field: string, r: RuleFindings, named: boolean): PrefixMatch[] {
  const seen = new Map<string, number>()
  const prefixes: PrefixMatch[] = []
  let catchAll = -1
  routes.forEach((route, n) => {
    if (!isObj(route)) return
    const name = named ? ruleName(route, n) : `#${n}`
    const matches = Array.isArray(route.match) ? route.match : []
    if (matches.length === 0) {
      if (catchAll >= 0) unused(r, at(field, n), name, 'only the last rule can have no matches')
      catchAll = n
      return
    }
    if (catchAll >= 0) {
      unused(r, at(field, n), name, 'route without matches defined before')
      return
    }
    let duplicates = 0
    matches.forEach((match, m) => {
      const key = stableStringify(isObj(match) ? { ...match, name: undefined } : match)
      const first = seen.get(key)
      if (first === undefined) {
        seen.set(key, n)
        const prefix = named && isObj(match) ? prefixMatch(match, n, m, name) : undefined
        if (prefix !== undefined) prefixes.push(prefix)
        return
      }
      duplicates++
      const dup = named ? ruleName(routes[first], first) : `#${first}`
      r.info('IST0131', at(at(at(field, n), 'match'), m), `VirtualService rule ${name} match ${named ? matchName(match, m) : `#${m}`} is not used (duplicate/overlapping match in rule ${dup}).`)
    })
    if (duplicates === matches.length) unused(r, at(field, n), name, 'all matches used by prior rules')
  })
  return prefixes
}

/**
 * An http match block with a uri prefix, reduced to what Istio compares: the other conditions as
 * `exact:<v>` / `prefix:<v>` (regex conditions become '', so they compare equal to each other), the method
 * `exact:GET` when none is given.
 */
interface PrefixMatch {
  readonly rule: number
  readonly match: number
  readonly ruleName: string
  readonly matchName: string
  readonly prefix: string
  readonly port: unknown
  readonly method: string
  readonly authority: string
  readonly headers: ReadonlyMap<string, string>
  readonly queryParams: ReadonlyMap<string, string>
  readonly withoutHeaders: ReadonlyMap<string, string>
}

function prefixMatch(match: Obj, rule: number, m: number, name: string): PrefixMatch | undefined {
  const prefix = isObj(match.uri) ? match.uri.prefix : undefined
  if (typeof prefix !== 'string' || prefix === '') return undefined
  const conditions = (v: unknown) => new Map(Object.entries(isObj(v) ? v : {}).map(([k, c]) => [k, exactOrPrefix(c)]))
  return {
    rule,
    match: m,
    ruleName: name,
    matchName: matchName(match, m),
    prefix,
    port: match.port ?? 0,
    method: exactOrPrefix(match.method) || 'exact:GET',
    authority: exactOrPrefix(match.authority),
    headers: conditions(match.headers),
    queryParams: conditions(match.queryParams),
    withoutHeaders: conditions(match.withoutHeaders),
  }
}

function exactOrPrefix(v: unknown): string {
  if (!isObj(v)) return ''
  if (typeof v.exact === 'string' && v.exact !== '') return `exact:${v.exact}`
  if (typeof v.prefix === 'string' && v.prefix !== '') return `prefix:${v.prefix}`
  return ''
}

/**
 * A prefix match whose requests an earlier match block (in any rule, the same one included) with a shorter
 * prefix of it always takes first: `/api/v1/products` after `/api/v1/product` with the same method, headers
 * and query conditions. Each shadowed block is reported once, naming the first block that shadows it (Istio
 * names every one). Earlier blocks are looked up by each proper prefix of the uri, so this is linear in the
 * total length of the prefixes, not quadratic in their number.
 */
function checkShadowedPrefixes(prefixes: readonly PrefixMatch[], field: string, r: RuleFindings): void {
  if (prefixes.length < 2) return
  const byPrefix = new Map<string, PrefixMatch[]>()
  for (const later of prefixes) {
    const shadow = shadowing(later, byPrefix)
    if (shadow !== undefined) {
      r.info('IST0131', at(at(at(field, later.rule), 'match'), later.match),
        `VirtualService rule ${later.ruleName} match ${later.matchName} of prefix ${later.prefix} is not used (duplicate/overlapping match in rule ${shadow.matchName} of prefix ${shadow.prefix} on ${shadow.ruleName}).`)
    }
    const list = byPrefix.get(later.prefix)
    if (list === undefined) byPrefix.set(later.prefix, [later])
    else list.push(later)
  }
}

/** The earliest block seen so far whose prefix is a proper prefix of `later`'s and that covers it. */
function shadowing(later: PrefixMatch, byPrefix: ReadonlyMap<string, readonly PrefixMatch[]>): PrefixMatch | undefined {
  let found: PrefixMatch | undefined
  for (let length = 1; length < later.prefix.length; length++) {
    for (const earlier of byPrefix.get(later.prefix.slice(0, length)) ?? []) {
      if (covers(earlier, later) && (found === undefined || before(earlier, found))) found = earlier
    }
  }
  return found
}

const before = (a: PrefixMatch, b: PrefixMatch) => a.rule < b.rule || (a.rule === b.rule && a.match < b.match)

/**
 * Istio's coveredValidation, given that `earlier.prefix` is a proper prefix of `later.prefix`: same port, and
 * each other condition equal or, as a string, starting with the later one's (its odd but documented rule),
 * with the same header, query and without-header names.
 */
function covers(earlier: PrefixMatch, later: PrefixMatch): boolean {
  if (stableStringify(earlier.port) !== stableStringify(later.port)) return false
  if (!looser(earlier.method, later.method) || !looser(earlier.authority, later.authority)) return false
  return sameNames(earlier.headers, later.headers) && sameNames(earlier.queryParams, later.queryParams) && sameNames(earlier.withoutHeaders, later.withoutHeaders)
}

const looser = (a: string, b: string) => a === b || a.startsWith(b)

function sameNames(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false
  for (const [key, value] of a) {
    const other = b.get(key)
    if (other === undefined || !looser(value, other)) return false
  }
  return true
}

function unused(r: RuleFindings, field: string, rule: string, reason: string): void {
  r.warn('IST0130', field, `VirtualService rule ${rule} not used (${reason}).`)
}

function ruleName(route: unknown, n: number): string {
  return isObj(route) && typeof route.name === 'string' && route.name !== '' ? JSON.stringify(route.name) : `#${n}`
}

function matchName(match: unknown, m: number): string {
  return isObj(match) && typeof match.name === 'string' && match.name !== '' ? JSON.stringify(match.name) : `#${m}`
}
