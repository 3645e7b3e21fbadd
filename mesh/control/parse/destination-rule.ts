/** DestinationRule `spec`: host, host-level traffic policy, and subsets (unique names, label selectors). */

import type { DestinationRuleSpec, Subset } from '../types.ts'
import { absent, checkShape, checkUnique, listOf, object, requiredObject, requiredStr, strMap } from './fields.ts'
import { checkLabels, isIstioLabel, wildcardDomainProblem } from './names.ts'
import { exportTo } from './export-to.ts'
import { at, type Reporter } from './reporter.ts'
import { trafficPolicy } from './traffic-policy.ts'
import { workloadSelector } from './workload-selector.ts'

export function destinationRuleSpec(v: unknown, field: string, r: Reporter): DestinationRuleSpec | undefined {
  const o = requiredObject(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, {
    fields: ['host', 'trafficPolicy', 'subsets'],
    ignored: {
      exportTo: 'exportTo is not simulated: every namespace sees this DestinationRule',
      workloadSelector: 'workloadSelector is not simulated: the rule applies to every caller',
    },
  })
  const before = r.errorCount
  const selector = workloadSelector(o.workloadSelector, at(field, 'workloadSelector'), r)
  exportTo(o.exportTo, at(field, 'exportTo'), r, { withWorkloadSelector: selector !== undefined })
  const host = requiredStr(o.host, at(field, 'host'), r)
  if (host !== undefined) {
    // Istio's ValidateWildcardDomain: an IP address is not a DestinationRule host (its last label is all digits).
    const problem = wildcardDomainProblem(host)
    if (problem !== undefined) r.error('MD0110', at(field, 'host'), `is not a valid host (${problem})`, host)
  }
  const policy = trafficPolicy(o.trafficPolicy, at(field, 'trafficPolicy'), r)
  const named: { name: string; field: string }[] = []
  const subsets = listOf(o.subsets, at(field, 'subsets'), r, (item, f) => {
    const s = subset(item, f, r)
    if (s !== undefined) named.push({ name: s.name, field: at(f, 'name') })
    return s
  })
  checkUnique(named, (s) => s.name, (s, _first, count) => {
    r.error('MD0118', s.field, `duplicate subset names: ${s.name}${count > 2 ? ` (listed ${count} times)` : ''}`)
  })
  if (r.errorCount > before || host === undefined) return undefined
  return { host, ...(policy === undefined ? {} : { trafficPolicy: policy }), subsets }
}

function subset(v: unknown, field: string, r: Reporter): Subset | undefined {
  const o = object(v, field, r)
  if (o === undefined) {
    if (absent(v)) r.error('MD0108', field, 'must be a subset, not empty')
    return undefined
  }
  checkShape(o, field, r, { fields: ['name', 'labels', 'trafficPolicy'] })
  const name = requiredStr(o.name, at(field, 'name'), r)
  if (name !== undefined && !isIstioLabel(name)) {
    r.error('MD0109', at(field, 'name'), 'must be a DNS-1123 label (letters, digits and "-")', name)
  }
  const labels = strMap(o.labels, at(field, 'labels'), r)
  checkLabels(labels, at(field, 'labels'), r)
  const policy = trafficPolicy(o.trafficPolicy, at(field, 'trafficPolicy'), r)
  if (name === undefined) return undefined
  return { name, labels, ...(policy === undefined ? {} : { trafficPolicy: policy }) }
}
