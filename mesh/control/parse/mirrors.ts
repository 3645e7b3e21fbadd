/**
 * `mirror` + `mirrorPercentage` (or the deprecated `mirrorPercent`) and `mirrors[]`, normalised into one list.
 * An absent percentage means 100; an explicit 0 means no mirroring, so such entries are dropped (as Istio does).
 * Percentages are checked even without a mirror, as Istio checks them: 0 to 100 (no 0.0001 minimum here).
 */

import type { HTTPMirror } from '../types.ts'
import { absent, checkShape, listOf, object, type Obj } from './fields.ts'
import { destination } from './destination.ts'
import { integerPercent } from './percent.ts'
import { at, type Reporter } from './reporter.ts'

/** `route` is the raw http route object; reads its mirror fields. Null when something is invalid. */
export function mirrors(route: Obj, field: string, r: Reporter): HTTPMirror[] | null {
  const before = r.errorCount
  const out: HTTPMirror[] = []
  const legacyKey = absent(route.mirrorPercent) ? 'mirror_percent' : 'mirrorPercent'
  const hasSinglePercent = !absent(route.mirrorPercentage) || !absent(route[legacyKey])
  if (!absent(route.mirror) && !absent(route.mirrors)) {
    r.error('MD0107', field, 'only one of mirror or mirrors may be set')
  }
  if (!absent(route[legacyKey])) {
    r.warn('MD0105', at(field, legacyKey), 'is deprecated; use mirrorPercentage: {value: N}')
  }
  if (absent(route.mirror) && hasSinglePercent) {
    r.warn('MD0121', at(field, absent(route.mirrorPercentage) ? legacyKey : 'mirrorPercentage'), 'has no effect without mirror')
  }
  const legacy = integerPercent(route[legacyKey], at(field, legacyKey), r)
  const given = mirrorPercentage(route.mirrorPercentage, at(field, 'mirrorPercentage'), r)
  if (!absent(route.mirror)) {
    const dest = destination(route.mirror, at(field, 'mirror'), r)
    const percent = !absent(route.mirrorPercentage) ? given : !absent(route[legacyKey]) ? legacy : 100
    if (dest !== undefined && percent !== undefined && percent > 0) out.push({ destination: dest, percent })
  }
  const list = listOf(route.mirrors, at(field, 'mirrors'), r, (item, itemField) => {
    const o = object(item, itemField, r)
    if (o === undefined) {
      if (absent(item)) r.error('MD0108', itemField, 'mirror cannot be null')
      return undefined
    }
    checkShape(o, itemField, r, { fields: ['destination', 'percentage'] })
    const dest = destination(o.destination, at(itemField, 'destination'), r)
    const percent = absent(o.percentage) ? 100 : mirrorPercentage(o.percentage, at(itemField, 'percentage'), r)
    if (dest === undefined || percent === undefined || percent === 0) return undefined
    return { destination: dest, percent }
  })
  for (const m of list) out.push(m)
  return r.errorCount > before ? null : out
}

/** `{value: N}` for a mirror: Istio accepts any number from 0 to 100. Undefined when absent or invalid. */
function mirrorPercentage(v: unknown, field: string, r: Reporter): number | undefined {
  const o = object(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, { fields: ['value'] })
  const value = o.value ?? 0
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 100) {
    r.error('MD0113', at(field, 'value'), 'mirror percentage must be a number from 0 to 100', value)
    return undefined
  }
  return value
}
