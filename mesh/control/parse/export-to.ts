/**
 * `exportTo` of a VirtualService or DestinationRule, checked as Istio's validateExportTo does: `.`, `*` or
 * namespace names, no duplicates, `*` alone; a DestinationRule with a workloadSelector exports only to its own
 * namespace. Not simulated: every namespace sees every resource here.
 */

import { strList } from './fields.ts'
import { isIstioLabel } from './names.ts'
import { at, type Reporter } from './reporter.ts'

export function exportTo(v: unknown, field: string, r: Reporter, opts: { withWorkloadSelector?: boolean } = {}): void {
  const entries = strList(v, field, r)
  if (entries.length === 0) return
  const namespace = r.identity.namespace ?? 'default'
  const seen = new Set<string>()
  entries.forEach((entry, i) => {
    const f = at(field, i)
    const key = entry === '.' ? namespace : entry
    if (seen.has(key)) {
      r.error('MD0118', f, key === entry ? `duplicate entries in exportTo for entry ${entry}` : `duplicate entries in exportTo: . and current namespace ${namespace}`, entry)
      return
    }
    if (entry === '~') r.error('MD0106', f, 'exportTo ~ (none) is not allowed for Istio configuration objects', entry)
    else if (entry !== '*' && entry !== '.' && !isIstioLabel(entry)) {
      r.error('MD0106', f, 'only ".", "*", or a valid DNS 1123 label is allowed as exportTo entry', entry)
    } else seen.add(key)
  })
  if (opts.withWorkloadSelector && seen.size > 0) {
    if (!seen.has(namespace)) r.error('MD0106', field, 'destination rule with workload selector cannot have exportTo beyond current namespace')
    else if (seen.size > 1) r.error('MD0106', field, 'destination rule with workload selector cannot have multiple entries in exportTo')
  }
  if (seen.has('*') && entries.length > 1) r.error('MD0107', field, 'cannot have both public (*) and non-public exportTo values for a resource')
}
