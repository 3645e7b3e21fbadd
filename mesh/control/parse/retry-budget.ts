/** `trafficPolicy.retryBudget` (Envoy's retry budget): validated as Istio's schema does, not simulated. */

import { checkShape, int, num, object } from './fields.ts'
import { durationSyntax } from './duration.ts'
import { at, type Reporter } from './reporter.ts'

const UINT32 = { min: 0, max: 2 ** 32 - 1, must: 'must be a non-negative integer' }

export function retryBudget(v: unknown, field: string, r: Reporter): void {
  const o = object(v, field, r)
  if (o === undefined) return
  checkShape(o, field, r, { fields: ['percent', 'minRetryConcurrency', 'budgetInterval'] })
  const percent = num(o.percent, at(field, 'percent'), r)
  if (percent !== undefined && (percent < 0 || percent > 100)) r.error('MD0113', at(field, 'percent'), 'must be a number from 0 to 100', percent)
  int(o.minRetryConcurrency, at(field, 'minRetryConcurrency'), r, UINT32)
  durationSyntax(o.budgetInterval, at(field, 'budgetInterval'), r)
}
