/**
 * Cross-resource checks, as `istioctl analyze` runs them over a set of resources. Per-resource validation
 * happens in parse/; this only sees resources that parsed.
 */

import type { DestinationRule, Diagnostic, Gateway, IstioResource, VirtualService } from '../types.ts'
import { checkDestinationRuleMerges, checkGatewayConflicts, checkMeshHostConflicts } from './conflicts.ts'
import { checkGatewayRefs } from './gateways.ts'
import { checkKnownHosts } from './known-services.ts'
import { checkSubsets } from './subsets.ts'

export interface AnalyzeOptions {
  /** Services that exist (`reviews`, `reviews.default` or FQDNs); enables host-not-found warnings. */
  readonly knownServices?: ReadonlySet<string>
}

/** In resource order (the order they were applied: Istio resolves conflicts oldest-first). */
export function analyzeConfig(resources: readonly IstioResource[], opts: AnalyzeOptions = {}): Diagnostic[] {
  const vss = resources.filter((r): r is VirtualService => r.kind === 'VirtualService')
  const drs = resources.filter((r): r is DestinationRule => r.kind === 'DestinationRule')
  const gws = resources.filter((r): r is Gateway => r.kind === 'Gateway')
  return [
    ...checkGatewayRefs(vss, gws),
    ...checkSubsets(vss, drs),
    ...checkMeshHostConflicts(vss),
    ...checkGatewayConflicts(gws),
    ...checkDestinationRuleMerges(drs),
    ...(opts.knownServices === undefined ? [] : checkKnownHosts(vss, drs, opts.knownServices)),
  ]
}
