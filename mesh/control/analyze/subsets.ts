/**
 * A VirtualService routing to a subset that no DestinationRule defines for that host: the classic "VS
 * applied before DR" mistake, answered with 503 (NC) at run time. Istio's DestinationRuleAnalyzer (IST0101);
 * a Warning here, so the apply goes through and the lesson can show the 503.
 */

import { HostIndex } from '../host-index.ts'
import { toFqdn } from '../hosts.ts'
import type { Diagnostic } from '../types.ts'
import { destinationsOf, diagnosticFor } from './diagnostic-for.ts'
import type { DestinationRuleView, VirtualServiceView } from './views.ts'

export function checkSubsets(vss: readonly VirtualServiceView[], drs: readonly DestinationRuleView[]): Diagnostic[] {
  // The subsets of every rule for one host pattern together (Istio merges rules for one host), indexed so
  // each destination costs a few lookups, not one comparison per rule.
  const subsetsByHost = new Map<string, Set<string>>()
  for (const dr of drs) {
    if (dr.host === undefined) continue
    const host = toFqdn(dr.host, dr.resource.meta.namespace).toLowerCase()
    let names = subsetsByHost.get(host)
    if (names === undefined) subsetsByHost.set(host, (names = new Set()))
    for (const s of dr.subsets) names.add(s.name)
  }
  const rules = new HostIndex<ReadonlySet<string>>()
  for (const [host, names] of subsetsByHost) rules.add(host, names)
  const out: Diagnostic[] = []
  for (const { resource: vs } of vss) {
    for (const d of destinationsOf(vs)) {
      if (d.subset === undefined) continue
      const fqdn = toFqdn(d.host, vs.meta.namespace)
      if (rules.covering(fqdn).some((names) => names.has(d.subset!))) continue
      const what = d.mirror ? 'mirror+subset in destinationrule' : 'host+subset in destinationrule'
      out.push(diagnosticFor(vs, 'Warning', 'IST0101', `${d.field}.subset`, `Referenced ${what} not found: "${d.host}+${d.subset}"`))
    }
  }
  return out
}
