/**
 * The traffic policy that applies to one cluster: the DestinationRule's top level, then its
 * port-level settings for the port, then the subset's (and the subset's port-level) settings. Each
 * of loadBalancer, connectionPool, outlierDetection and tls is taken whole from the most specific
 * level that sets it, as Istio merges them.
 */
import type { DestinationRuleSpec, Subset, TrafficPolicy, TrafficPolicyFields } from '../control/types.ts'

const FIELDS = ['loadBalancer', 'connectionPool', 'outlierDetection', 'tls'] as const

export function effectivePolicy(rule: DestinationRuleSpec | undefined, subset: Subset | undefined, port: number): TrafficPolicyFields {
  const levels = [...levelsOf(rule?.trafficPolicy, port), ...levelsOf(subset?.trafficPolicy, port)]
  const out: Record<string, unknown> = {}
  for (const level of levels) for (const field of FIELDS) if (level[field] !== undefined) out[field] = level[field]
  return out as TrafficPolicyFields
}

function levelsOf(policy: TrafficPolicy | undefined, port: number): TrafficPolicyFields[] {
  if (!policy) return []
  const portLevel = policy.portLevelSettings?.find((p) => p.port === port)
  return portLevel ? [policy, portLevel] : [policy]
}
