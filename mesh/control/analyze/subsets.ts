/**
 * A VirtualService routing to a subset that no DestinationRule defines for that host: the classic "VS
 * applied before DR" mistake, answered with 503 (NC) at run time. Istio's DestinationRuleAnalyzer (IST0101);
 * a Warning here, so the apply goes through and the lesson can show the 503.
 */

import { hostMatches, toFqdn } from '../hosts.ts'
import type { DestinationRule, Diagnostic, VirtualService } from '../types.ts'
import { destinationsOf, diagnosticFor } from './diagnostic-for.ts'

export function checkSubsets(vss: readonly VirtualService[], drs: readonly DestinationRule[]): Diagnostic[] {
  const rules = drs.map((dr) => ({ host: toFqdn(dr.spec.host, dr.meta.namespace), subsets: new Set(dr.spec.subsets.map((s) => s.name)) }))
  const out: Diagnostic[] = []
  for (const vs of vss) {
    for (const d of destinationsOf(vs)) {
      if (d.subset === undefined) continue
      const fqdn = toFqdn(d.host, vs.meta.namespace)
      if (rules.some((rule) => hostMatches(rule.host, fqdn) && rule.subsets.has(d.subset!))) continue
      const what = d.mirror ? 'mirror+subset in destinationrule' : 'host+subset in destinationrule'
      out.push(diagnosticFor(vs, 'Warning', 'IST0101', `${d.field}.subset`, `Referenced ${what} not found: "${d.host}+${d.subset}"`))
    }
  }
  return out
}
