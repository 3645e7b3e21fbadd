/**
 * DestinationRule subsets that select no Pod (IST0173): traffic routed to one finds no endpoint and gets 503 UH.
 * A subset selects the Pods of the rule's Service(s) (the host may be a wildcard) that also carry the subset's
 * labels. Istio matches the subset's labels against every Pod of the cluster, so a subset `version: v1` counts
 * another app's v1; meshdojo asks the host's own Pods, which is what Envoy's subset cluster holds. A host that
 * names no Service is IST0174's (known-services.ts). A Warning, not Istio's Error: Istio's own
 * destination-rule-all.yaml defines subsets Bookinfo does not run (ratings v2, v2-mysql…), and they are harmless
 * until a route sends traffic to them.
 */

import { hostMatches, toFqdn } from '../hosts.ts'
import type { Diagnostic } from '../types.ts'
import { selects, type Cluster } from './cluster.ts'
import { diagnosticFor } from './diagnostic-for.ts'
import type { DestinationRuleView } from './views.ts'

export function checkSubsetPods(drs: readonly DestinationRuleView[], cluster: Cluster): Diagnostic[] {
  const out: Diagnostic[] = []
  for (const dr of drs) {
    if (dr.host === undefined || dr.subsets.length === 0) continue
    const host = toFqdn(dr.host, dr.resource.meta.namespace)
    const services = cluster.services.filter((s) => hostMatches(host, `${s.name}.${s.namespace}.svc.cluster.local`))
    if (services.length === 0) continue
    const pods = cluster.pods.filter((p) => services.some((s) => s.namespace === p.namespace && s.selector !== undefined && selects(s.selector, p.labels)))
    for (const subset of dr.subsets) {
      if (pods.some((p) => selects(subset.labels, p.labels))) continue
      out.push(diagnosticFor(dr.resource, 'Warning', 'IST0173', `spec.subsets[${subset.index}]`,
        `The Subset ${subset.name} defined in the DestinationRule does not select any pods. Which may lead to 503 UH (NoHealthyUpstream).`))
    }
  }
  return out
}
