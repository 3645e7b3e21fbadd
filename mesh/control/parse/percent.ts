/** Istio's `Percent {value}` (a double, 0 or 0.0001–100) and the deprecated integer percents (0–100). */

import { absent, checkShape, object } from './fields.ts'
import { at, type Reporter } from './reporter.ts'

/** Reads `{value: 12.5}`; an absent `value` is 0 (proto3 default). Undefined when `v` is absent or bad. */
export function percentage(v: unknown, field: string, r: Reporter): number | undefined {
  const o = object(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, { fields: ['value'] })
  const value = o.value
  if (absent(value)) return 0
  const f = at(field, 'value')
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 100 || (value > 0 && value < 0.0001)) {
    r.error('MD0113', f, 'must be a number from 0 to 100 (0, or at least 0.0001)', value)
    return undefined
  }
  return value
}

/** A deprecated integer percent (`fault.delay.percent`, `mirrorPercent`). */
export function integerPercent(v: unknown, field: string, r: Reporter): number | undefined {
  if (absent(v)) return undefined
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 100) {
    r.error('MD0113', field, 'must be an integer from 0 to 100', v)
    return undefined
  }
  return v
}
