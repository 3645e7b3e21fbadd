/**
 * `tcp[].route[]` and `tls[].route[]` (RouteDestination): weighted destinations of L4 routes, checked as Istio
 * checks them (a destination each, weights not negative, a positive total when there are several).
 */

import { absent, checkShape, int, INT32, list, object } from './fields.ts'
import { destination } from './destination.ts'
import { at, type Reporter } from './reporter.ts'

export function routeDestinationList(v: unknown, field: string, r: Reporter): void {
  const items = list(v, field, r) ?? []
  let total = 0
  items.forEach((item, i) => {
    const f = at(field, i)
    const o = object(item, f, r)
    if (o === undefined) {
      if (absent(item)) r.error('MD0108', f, 'must be a destination, not empty')
      return
    }
    checkShape(o, f, r, { fields: ['destination', 'weight'] })
    destination(o.destination, at(f, 'destination'), r)
    const weight = int(o.weight, at(f, 'weight'), r, INT32)
    if (weight !== undefined && weight < 0) r.error('MD0101', at(f, 'weight'), 'must be a non-negative integer', weight)
    else if (weight !== undefined) total += weight
  })
  if (items.length > 1 && total === 0) r.error('MD0117', field, 'total weight is 0; give at least one destination a positive weight')
}
