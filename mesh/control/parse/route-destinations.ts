/**
 * `http[].route[]`: weighted destinations. One destination gets 100 whatever its weight says. With several,
 * a missing weight counts as 0, weight-0 entries are dropped, and a total of 0 is invalid (as in Istio).
 */

import type { HTTPRouteDestination } from '../types.ts'
import { absent, checkShape, int, list, NON_NEGATIVE_INT32, object } from './fields.ts'
import { destination } from './destination.ts'
import { headersSpec } from './headers.ts'
import { at, type Reporter } from './reporter.ts'

/** Null when something is invalid (already reported). */
export function routeDestinations(v: unknown, field: string, r: Reporter): HTTPRouteDestination[] | null {
  const items = list(v, field, r)
  if (items === undefined) return absent(v) ? [] : null
  const before = r.errorCount
  const parsed: { dest: HTTPRouteDestination; weightGiven: boolean; field: string }[] = []
  items.forEach((item, i) => {
    const f = at(field, i)
    const o = object(item, f, r)
    if (o === undefined) {
      if (absent(item)) r.error('MD0108', f, 'must be a destination, not empty')
      return
    }
    checkShape(o, f, r, { fields: ['destination', 'weight', 'headers'] })
    const dest = destination(o.destination, at(f, 'destination'), r)
    const weight = int(o.weight, at(f, 'weight'), r, NON_NEGATIVE_INT32)
    const headers = headersSpec(o.headers, at(f, 'headers'), r)
    if (dest === undefined || (weight === undefined && !absent(o.weight))) return
    parsed.push({
      dest: { destination: dest, weight: weight ?? 0, ...(headers === undefined ? {} : { headers }) },
      weightGiven: !absent(o.weight),
      field: f,
    })
  })
  if (r.errorCount > before) return null
  if (parsed.length === 1) return [{ ...parsed[0]!.dest, weight: 100 }]
  const total = parsed.reduce((sum, p) => sum + p.dest.weight, 0)
  if (parsed.length > 1 && total === 0) {
    r.error('MD0117', field, 'total weight is 0; give at least one destination a positive weight')
    return null
  }
  if (parsed.some((p) => p.weightGiven)) {
    for (const p of parsed) {
      if (!p.weightGiven) {
        r.warn('MD0121', at(p.field, 'weight'), 'is missing, so this destination gets no traffic (with several destinations a missing weight counts as 0)')
      }
    }
  }
  return parsed.filter((p) => p.dest.weight > 0).map((p) => p.dest)
}
