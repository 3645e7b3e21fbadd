/** Istio StringMatch: one of `exact`, `prefix`, `regex` (RE2, whole-string), or empty for "present". */

import type { StringMatch } from '../types.ts'
import { absent, checkShape, object, str } from './fields.ts'
import { compileFullMatch } from './regex.ts'
import { at, type Reporter } from './reporter.ts'

export interface StringMatchRules {
  /** What `{}` means: `present` (headers, params, pseudo-headers) or no constraint at all (uri). */
  readonly empty: 'present' | 'none' | 'invalid'
  /** `regex: "*"` is not RE2; Istio turns it into a presence match on headers and query params. */
  readonly starIsPresent: boolean
  /** Envoy allows an empty prefix on the path only. */
  readonly allowEmptyPrefix: boolean
}

export const URI_RULES: StringMatchRules = { empty: 'none', starIsPresent: false, allowEmptyPrefix: true }
export const HEADER_RULES: StringMatchRules = { empty: 'present', starIsPresent: true, allowEmptyPrefix: false }
export const ORIGIN_RULES: StringMatchRules = { empty: 'invalid', starIsPresent: false, allowEmptyPrefix: false }

const KINDS = ['exact', 'prefix', 'regex'] as const

/** Undefined when absent, invalid (reported), or `{}` on a uri (no constraint). */
export function stringMatch(v: unknown, field: string, r: Reporter, rules: StringMatchRules): StringMatch | undefined {
  const o = object(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, { fields: KINDS })
  const set = KINDS.filter((k) => !absent(o[k]))
  if (set.length > 1) {
    r.error('MD0107', field, `only one of exact, prefix or regex may be set, got ${set.join(' and ')}`)
    return undefined
  }
  const kind = set[0]
  if (kind === undefined) {
    if (rules.empty === 'present') return { kind: 'present' }
    if (rules.empty === 'invalid') r.error('MD0108', field, 'needs one of exact, prefix or regex')
    return undefined
  }
  const f = at(field, kind)
  const value = str(o[kind], f, r)
  if (value === undefined) return undefined
  switch (kind) {
    case 'exact':
      if (value === '' && rules.empty === 'invalid') r.error('MD0108', f, 'must not be empty')
      return { kind: 'exact', value }
    case 'prefix':
      if (value === '' && !rules.allowEmptyPrefix) {
        r.error('MD0108', f, 'must not be empty (use {} to match any value)')
        return undefined
      }
      return { kind: 'prefix', value }
    case 'regex': {
      if (value === '*' && rules.starIsPresent) return { kind: 'present' }
      const regex = compileFullMatch(value, f, r)
      return regex === undefined ? undefined : { kind: 'regex', value, regex }
    }
  }
}
