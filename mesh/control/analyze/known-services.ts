/**
 * Hosts that name no known service (only when the caller passes `knownServices`): a VirtualService
 * destination or mirror (IST0101) or a DestinationRule host (IST0174).
 */

import { authorityToFqdn, hostMatches, toFqdn } from '../hosts.ts'
import type { DestinationRule, Diagnostic, VirtualService } from '../types.ts'
import { destinationsOf, diagnosticFor } from './diagnostic-for.ts'

/** `knownServices` may hold short names (taken to be in `default`), `name.namespace`, or FQDNs. */
export function checkKnownHosts(
  vss: readonly VirtualService[],
  drs: readonly DestinationRule[],
  knownServices: ReadonlySet<string>,
): Diagnostic[] {
  const known = [...knownServices].map((s) => authorityToFqdn(s))
  const isKnown = (fqdn: string) => known.some((k) => hostMatches(fqdn, k))
  const out: Diagnostic[] = []
  for (const vs of vss) {
    for (const d of destinationsOf(vs)) {
      if (isKnown(toFqdn(d.host, vs.meta.namespace))) continue
      out.push(diagnosticFor(vs, 'Warning', 'IST0101', `${d.field}.host`, `Referenced ${d.mirror ? 'mirror host' : 'host'} not found: "${d.host}"`))
    }
  }
  for (const dr of drs) {
    if (isKnown(toFqdn(dr.spec.host, dr.meta.namespace))) continue
    out.push(diagnosticFor(dr, 'Warning', 'IST0174', 'spec.host', `The host ${dr.spec.host} defined in the DestinationRule does not match any services in the mesh.`))
  }
  return out
}
