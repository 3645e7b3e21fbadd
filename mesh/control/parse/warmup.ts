/**
 * `loadBalancer.warmup` (WarmupConfiguration, Envoy's slow start): a required duration, `minimumPercent`
 * 0–100 and a positive `aggression`. Validated, not simulated.
 */

import { absent, checkShape, num, object } from './fields.ts'
import { durationMs } from './duration.ts'
import { at, type Reporter } from './reporter.ts'

export function warmup(v: unknown, field: string, r: Reporter): void {
  const o = object(v, field, r)
  if (o === undefined) return
  checkShape(o, field, r, { fields: ['duration', 'minimumPercent', 'aggression'] })
  if (absent(o.duration)) r.error('MD0108', at(field, 'duration'), 'is required')
  else durationMs(o.duration, at(field, 'duration'), r)
  const minimum = num(o.minimumPercent, at(field, 'minimumPercent'), r)
  if (minimum !== undefined && (minimum < 0 || minimum > 100)) r.error('MD0113', at(field, 'minimumPercent'), 'must be a number from 0 to 100', minimum)
  const aggression = num(o.aggression, at(field, 'aggression'), r)
  if (aggression !== undefined && aggression <= 0) r.error('MD0101', at(field, 'aggression'), 'must be greater than 0', aggression)
}
