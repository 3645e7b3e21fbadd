/**
 * Istio's check for http rules that can never be used (IST0130) and matches that repeat an earlier one
 * (IST0131): a rule after a catch-all, or whose every match block already appeared. Works on the raw YAML.
 */

import { stableStringify } from '../stable-json.ts'
import { isObj } from './fields.ts'
import { at, type Reporter } from './reporter.ts'

export function checkUnreachableRules(http: readonly unknown[], field: string, r: Reporter): void {
  const seen = new Map<string, number>()
  let catchAll = -1
  http.forEach((route, n) => {
    if (!isObj(route)) return
    const name = ruleName(route, n)
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
        return
      }
      duplicates++
      const matchName = isObj(match) && typeof match.name === 'string' && match.name !== '' ? JSON.stringify(match.name) : `#${m}`
      const dup = ruleName(http[first], first)
      r.info('IST0131', at(at(at(field, n), 'match'), m), `VirtualService rule ${name} match ${matchName} is not used (duplicate/overlapping match in rule ${dup}).`)
    })
    if (duplicates === matches.length) unused(r, at(field, n), name, 'all matches used by prior rules')
  })
}

function unused(r: Reporter, field: string, rule: string, reason: string): void {
  r.warn('IST0130', field, `VirtualService rule ${rule} not used (${reason}).`)
}

function ruleName(route: unknown, n: number): string {
  return isObj(route) && typeof route.name === 'string' && route.name !== '' ? JSON.stringify(route.name) : `#${n}`
}
