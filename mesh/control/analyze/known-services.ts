/**
 * Hosts that name no known service (only when the caller knows the services: `knownServices`, or a cluster): a
 * VirtualService destination or mirror (IST0101) or a DestinationRule host (IST0174). Warnings, not Istio's
 * Errors: meshdojo has no ServiceEntry, so a host outside the simulated cluster cannot be declared.
 */

import { authorityToFqdn, hostMatches, toFqdn } from '../hosts.ts'
import type { Diagnostic } from '../types.ts'
import { destinationsOf, diagnosticFor } from './diagnostic-for.ts'
import type { DestinationRuleView, VirtualServiceView } from './views.ts'

/** `knownServices` may hold short names (taken to be in `default`), `name.namespace`, or FQDNs. */
export function checkKnownHosts(
  vss: readonly VirtualServiceView[],
  drs: readonly DestinationRuleView[],
  knownServices: ReadonlySet<string>,
): Diagnostic[] {
  const known = [...knownServices].map((s) => authorityToFqdn(s))
  const isKnown = (fqdn: string) => known.some((k) => hostMatches(fqdn, k))
  const out: Diagnostic[] = []
  for (const { resource: vs } of vss) {
    for (const d of destinationsOf(vs)) {
      if (isKnown(toFqdn(d.host, vs.meta.namespace))) continue
      out.push(diagnosticFor(vs, 'Warning', 'IST0101', `${d.field}.host`, `Referenced ${d.mirror ? 'mirror host' : 'host'} not found: "${d.host}"`))
    }
  }
  for (const { resource: dr, host } of drs) {
    if (host === undefined || isKnown(toFqdn(host, dr.meta.namespace))) continue
    out.push(diagnosticFor(dr, 'Warning', 'IST0174', 'spec.host', `The host ${host} defined in the DestinationRule does not match any services in the mesh.`))
  }
  return out
}
