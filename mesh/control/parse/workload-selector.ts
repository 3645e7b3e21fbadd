/** `selector: {matchLabels: {...}}` of security.istio.io policies (and meshdojo's LocalRateLimit). */

import type { WorkloadSelector } from '../types.ts'
import { checkShape, object, strMap } from './fields.ts'
import { checkLabels } from './names.ts'
import { at, type Reporter } from './reporter.ts'

/** Undefined when absent. Wildcards and empty keys are errors; no labels is a warning, as in Istio. */
export function workloadSelector(v: unknown, field: string, r: Reporter): WorkloadSelector | undefined {
  const o = object(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, { fields: ['matchLabels'] })
  const labelsField = at(field, 'matchLabels')
  const matchLabels = strMap(o.matchLabels, labelsField, r)
  for (const [key, value] of Object.entries(matchLabels)) {
    if (key.includes('*') || value.includes('*')) r.error('MD0106', at(labelsField, key), 'wildcard is not supported in selector', `${key}=${value}`)
  }
  checkLabels(matchLabels, labelsField, r)
  if (Object.keys(matchLabels).length === 0) r.warn('MD0121', field, 'workload selector specified without labels: it selects the whole namespace')
  return { matchLabels }
}

/** True when the selector is absent or empty (a namespace- or mesh-wide policy). */
export const selectsAll = (s: WorkloadSelector | undefined): boolean => s === undefined || Object.keys(s.matchLabels).length === 0

/** Whether a workload with `labels` is selected. */
export const selects = (s: WorkloadSelector | undefined, labels: Readonly<Record<string, string>>): boolean =>
  s === undefined || Object.entries(s.matchLabels).every(([k, v]) => labels[k] === v)
