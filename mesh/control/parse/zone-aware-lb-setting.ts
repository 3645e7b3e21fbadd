/**
 * `loadBalancer.zoneAwareLbSetting` (ZoneAwareLoadBalancerSetting): Envoy routes by region and zone itself, so
 * `failover` orders regions only and `failoverPriority` may not name the topology labels. Validated, not simulated.
 */

import { bool, checkShape, int, object } from './fields.ts'
import { failoverSettings, TOPOLOGY_LABELS, warnFailoverWithoutOutlier } from './locality-failover.ts'
import { at, type Reporter } from './reporter.ts'

const MIN_CLUSTER_SIZE = { min: 1, max: Number.MAX_SAFE_INTEGER, must: 'must be a positive integer' }

export function zoneAwareLbSetting(v: unknown, field: string, r: Reporter, hasOutlierDetection: boolean): void {
  const o = object(v, field, r)
  if (o === undefined) return
  checkShape(o, field, r, { fields: ['enabled', 'failover', 'failoverPriority', 'minClusterSize'] })
  bool(o.enabled, at(field, 'enabled'), r)
  int(o.minClusterSize, at(field, 'minClusterSize'), r, MIN_CLUSTER_SIZE)
  const failover = failoverSettings(o, field, r, 'zone aware lb')
  failover.failoverPriority.forEach((label, i) => {
    if (TOPOLOGY_LABELS.includes(label)) {
      r.error('MD0106', at(at(field, 'failoverPriority'), i), 'must not be a topology label for zone aware lb: region and zone routing are automatic', label)
    }
  })
  warnFailoverWithoutOutlier(failover, hasOutlierDetection, field, r)
}
