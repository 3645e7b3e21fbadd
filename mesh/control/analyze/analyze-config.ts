/**
 * Cross-resource checks, as `istioctl analyze` runs them over a set of resources. Per-resource validation
 * happens in parse/; this sees every resource it is given, valid or not (views.ts reads each leniently), so a
 * Gateway that failed validation is still found by the VirtualServices bound to it.
 */

import type { Diagnostic } from '../types.ts'
import { serviceHosts, type Cluster } from './cluster.ts'
import { checkDestinationRuleMerges, checkGatewayConflicts, checkMeshHostConflicts } from './conflicts.ts'
import { checkGatewayWorkloads } from './gateway-workloads.ts'
import { checkGatewayRefs } from './gateways.ts'
import { checkJwtClaimRoutes } from './jwt-claim-routes.ts'
import { checkKnownHosts } from './known-services.ts'
import { checkServerVerification } from './server-verification.ts'
import { checkSubsetPods } from './subset-pods.ts'
import { checkSubsets } from './subsets.ts'
import { checkUnreachableL4Routes } from './unreachable-routes.ts'
import { viewsOf, type AnalyzedResource } from './views.ts'
import { checkPolicySelectors } from './workload-selectors.ts'

export interface AnalyzeOptions {
  /** Services that exist (`reviews`, `reviews.default` or FQDNs); enables host-not-found warnings. */
  readonly knownServices?: ReadonlySet<string>
  /**
   * The Services, Pods and Namespaces the config would run on. Its Services count as known services too, and
   * it enables the checks that need workloads: Gateway selectors and ports (IST0101, IST0162), policy
   * selectors (IST0127), JWT claim routes (IST0149) and subsets (IST0173).
   */
  readonly cluster?: Cluster
}

/** In resource order (the order they were applied: Istio resolves conflicts oldest-first). */
export function analyzeConfig(resources: readonly AnalyzedResource[], opts: AnalyzeOptions = {}): Diagnostic[] {
  const { gateways, virtualServices, destinationRules, policies } = viewsOf(resources)
  const { cluster } = opts
  const known = cluster === undefined ? opts.knownServices : new Set([...(opts.knownServices ?? []), ...serviceHosts(cluster)])
  return [
    ...checkGatewayRefs(virtualServices, gateways),
    ...checkSubsets(virtualServices, destinationRules),
    ...checkMeshHostConflicts(virtualServices),
    ...checkGatewayConflicts(gateways),
    ...checkDestinationRuleMerges(destinationRules),
    ...checkServerVerification(destinationRules),
    ...checkUnreachableL4Routes(virtualServices),
    ...(known === undefined ? [] : checkKnownHosts(virtualServices, destinationRules, known)),
    ...(cluster === undefined ? [] : [
      ...checkGatewayWorkloads(gateways, cluster),
      ...checkJwtClaimRoutes(virtualServices, gateways, cluster),
      ...checkPolicySelectors(policies, cluster),
      ...checkSubsetPods(destinationRules, cluster),
    ]),
  ]
}
