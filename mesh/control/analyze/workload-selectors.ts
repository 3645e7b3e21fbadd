/**
 * Policies that select no workload do nothing (IST0127, NoMatchingWorkloadsFound), as Istio's authorization
 * policy analyzer checks them: a policy with a selector needs a Pod of its namespace with those labels (in the
 * root namespace `istio-system`, a Pod anywhere); one without a selector covers its namespace, which needs a
 * Pod (in the root namespace it covers the mesh and is not checked). Istio checks AuthorizationPolicies;
 * meshdojo applies the same rule to PeerAuthentication and its own LocalRateLimit, whose selectors mean the same.
 */

import type { Diagnostic } from '../types.ts'
import { selects, selectorString, type Cluster } from './cluster.ts'
import { diagnosticFor } from './diagnostic-for.ts'
import type { PolicyView } from './views.ts'

/** Istio's default root namespace (meshConfig.rootNamespace): policies there apply mesh-wide. */
const ROOT_NAMESPACE = 'istio-system'

export function checkPolicySelectors(policies: readonly PolicyView[], cluster: Cluster): Diagnostic[] {
  const out: Diagnostic[] = []
  for (const policy of policies) {
    const { namespace } = policy.resource.meta
    const root = namespace === ROOT_NAMESPACE
    if (root && policy.selector === undefined) continue
    const candidates = root ? cluster.pods : cluster.pods.filter((p) => p.namespace === namespace)
    const selector = policy.selector ?? {}
    if (candidates.some((p) => selects(selector, p.labels))) continue
    out.push(diagnosticFor(policy.resource, 'Warning', 'IST0127', policy.selector === undefined ? undefined : 'spec.selector.matchLabels',
      `No matching workloads for this resource with the following labels: ${selectorString(selector)}`))
  }
  return out
}
