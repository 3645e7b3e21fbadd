/**
 * Typed readers for YAML values. Each reports what is wrong (code, field, value) and returns undefined, so
 * parsing carries on and collects every error. `null` counts as absent, as Kubernetes prunes nulls from
 * CRD objects before validation.
 */

import { at, type Reporter } from './reporter.ts'

export type Obj = Readonly<Record<string, unknown>>

/**
 * A mapping as YAML or JSON gives it: a plain object. Arrays, and anything with another prototype (binary
 * data, dates, maps, sets from data that did not come through the YAML reader), are not mappings.
 */
export const isObj = (v: unknown): v is Obj => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false
  const proto: unknown = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}

export const absent = (v: unknown): v is undefined | null => v === undefined || v === null

/** The fields an object may have. */
export interface Shape {
  /** Fields the parser reads. */
  readonly fields: readonly string[]
  /** Fields Istio accepts that meshdojo does not simulate, with the reason (MD0104 warning). */
  readonly ignored?: Readonly<Record<string, string>>
  /** Fields Istio accepts that have no visible effect in a one-cluster simulation: accepted silently. */
  readonly quiet?: readonly string[]
  /** Fields Istio's API no longer has, with what to write instead (MD0103 error). */
  readonly removed?: Readonly<Record<string, string>>
}

/** `table[key]` for the table's own entries only: `constructor` or `toString` are not in any table. */
const own = (table: Readonly<Record<string, string>> | undefined, key: string): string | undefined =>
  table !== undefined && Object.hasOwn(table, key) ? table[key] : undefined

/** Unknown fields are errors (kubectl's strict field validation rejects them too), with a did-you-mean. */
export function checkShape(o: Obj, field: string, r: Reporter, shape: Shape): void {
  for (const key of Object.keys(o)) {
    if (shape.fields.includes(key) || shape.quiet?.includes(key)) continue
    const instead = own(shape.removed, key)
    if (instead !== undefined) {
      r.error('MD0103', at(field, key), `unknown field "${key}" (no longer in Istio's API; ${instead})`)
      continue
    }
    const why = own(shape.ignored, key)
    if (why !== undefined) {
      if (!absent(o[key])) r.warn('MD0104', at(field, key), why)
      continue
    }
    const hint = suggest(key, [...shape.fields, ...Object.keys(shape.ignored ?? {})])
    r.error('MD0103', at(field, key), `unknown field "${key}"${hint === undefined ? '' : `; did you mean "${hint}"?`}`)
  }
}

export function object(v: unknown, field: string, r: Reporter): Obj | undefined {
  if (absent(v)) return undefined
  if (!isObj(v)) {
    r.error('MD0102', field, 'must be an object', v)
    return undefined
  }
  return v
}

/** Like object(), but reports MD0108 when absent. */
export function requiredObject(v: unknown, field: string, r: Reporter): Obj | undefined {
  if (absent(v)) {
    r.error('MD0108', field, 'is required')
    return undefined
  }
  return object(v, field, r)
}

export function str(v: unknown, field: string, r: Reporter): string | undefined {
  if (absent(v)) return undefined
  if (typeof v !== 'string') {
    r.error('MD0102', field, 'must be a string', v)
    return undefined
  }
  return v
}

export function requiredStr(v: unknown, field: string, r: Reporter): string | undefined {
  if (absent(v) || v === '') {
    r.error('MD0108', field, 'is required')
    return undefined
  }
  return str(v, field, r)
}

/** A string that must be one of `allowed` (a proto enum's names); reports MD0106 otherwise. */
export function oneOfStr<T extends string>(v: unknown, field: string, r: Reporter, allowed: readonly T[]): T | undefined {
  const s = str(v, field, r)
  if (s === undefined) return undefined
  if ((allowed as readonly string[]).includes(s)) return s as T
  r.error('MD0106', field, `must be one of ${allowed.join(', ')}`, s)
  return undefined
}

export function bool(v: unknown, field: string, r: Reporter): boolean | undefined {
  if (absent(v)) return undefined
  if (typeof v !== 'boolean') {
    r.error('MD0102', field, 'must be true or false', v)
    return undefined
  }
  return v
}

export interface IntRange {
  readonly min: number
  readonly max: number
  /** Replaces the default `must be an integer from min to max`. */
  readonly must?: string
}

export const INT32: IntRange = { min: -(2 ** 31), max: 2 ** 31 - 1, must: 'must be an integer' }
export const NON_NEGATIVE_INT32: IntRange = { min: 0, max: 2 ** 31 - 1, must: 'must be a non-negative integer' }
export const UINT32: IntRange = { min: 0, max: 2 ** 32 - 1, must: 'must be a non-negative integer' }

export function int(v: unknown, field: string, r: Reporter, range: IntRange): number | undefined {
  if (absent(v)) return undefined
  if (typeof v !== 'number' || !Number.isInteger(v) || v < range.min || v > range.max) {
    r.error('MD0101', field, range.must ?? `must be an integer from ${range.min} to ${range.max}`, v)
    return undefined
  }
  return v
}

export function num(v: unknown, field: string, r: Reporter): number | undefined {
  if (absent(v)) return undefined
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    r.error('MD0101', field, 'must be a number', v)
    return undefined
  }
  return v
}

export function list(v: unknown, field: string, r: Reporter): readonly unknown[] | undefined {
  if (absent(v)) return undefined
  if (!Array.isArray(v)) {
    r.error('MD0102', field, 'must be a list', v)
    return undefined
  }
  return v
}

/** Parses each item with `item`; items that fail are left out (their errors are already reported). */
export function listOf<T>(
  v: unknown,
  field: string,
  r: Reporter,
  item: (value: unknown, field: string, index: number) => T | undefined,
): T[] {
  const out: T[] = []
  const items = list(v, field, r) ?? []
  items.forEach((value, i) => {
    const parsed = item(value, at(field, i), i)
    if (parsed !== undefined) out.push(parsed)
  })
  return out
}

export function strList(v: unknown, field: string, r: Reporter): string[] {
  return listOf(v, field, r, (item, f) => {
    if (typeof item === 'string') return item
    r.error('MD0102', f, 'must be a string', item)
    return undefined
  })
}

export function strMap(v: unknown, field: string, r: Reporter): Record<string, string> {
  const o = object(v, field, r)
  const entries: [string, string][] = []
  for (const [key, value] of Object.entries(o ?? {})) {
    if (typeof value === 'string') entries.push([key, value])
    else r.error('MD0102', at(field, key), 'must be a string', value)
  }
  return Object.fromEntries(entries) // defines own properties: a `__proto__` key stays a key
}

/**
 * Reports each value listed more than once, once: at its second occurrence, with how many times it is
 * listed. `items` are in order; `key` says when two are the same (e.g. lower-cased).
 */
export function checkUnique<T>(
  items: readonly T[],
  key: (item: T) => string,
  report: (item: T, first: T, count: number) => void,
): void {
  const seen = new Map<string, { first: T; second?: T; count: number }>()
  for (const item of items) {
    const k = key(item)
    const entry = seen.get(k)
    if (entry === undefined) seen.set(k, { first: item, count: 1 })
    else {
      entry.count++
      entry.second ??= item
    }
  }
  for (const entry of seen.values()) if (entry.second !== undefined) report(entry.second, entry.first, entry.count)
}

/** The closest known name within a small edit distance, for "did you mean". */
export function suggest(input: string, candidates: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[_-]/g, '')
  const exactish = candidates.find((c) => norm(c) === norm(input))
  if (exactish !== undefined) return exactish
  let best: string | undefined
  let bestDistance = Math.max(2, Math.floor(input.length / 4)) + 1
  const wanted = norm(input)
  for (const c of candidates) {
    const candidate = norm(c)
    // The distance is at least the difference in length: skip the O(n·m) table when it cannot win.
    if (Math.abs(candidate.length - wanted.length) >= bestDistance) continue
    const d = editDistance(wanted, candidate)
    if (d < bestDistance) {
      best = c
      bestDistance = d
    }
  }
  return best
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const cur = [i]
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    prev = cur
  }
  return prev[b.length]!
}
