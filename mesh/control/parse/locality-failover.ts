/**
 * What `localityLbSetting` and `zoneAwareLbSetting` share: `failover: [{from, to}]` between regions and
 * `failoverPriority` labels, checked as Istio does. Neither is simulated (meshdojo has one locality).
 */

import { checkShape, listOf, object, str, strList } from './fields.ts'
import { at, type Reporter } from './reporter.ts'

/** Topology labels Kubernetes and Istio set on every workload. */
export const TOPOLOGY_LABELS: readonly string[] = Object.freeze(['topology.kubernetes.io/region', 'topology.kubernetes.io/zone', 'topology.istio.io/subzone'])

export interface Failover {
  readonly failover: readonly { from: string; to: string }[]
  readonly failoverPriority: readonly string[]
}

/** Reads both lists; `what` names the setting in messages ("locality lb", "zone aware lb"). */
export function failoverSettings(o: Readonly<Record<string, unknown>>, field: string, r: Reporter, what: string): Failover {
  const failover = listOf(o.failover, at(field, 'failover'), r, (item, f) => {
    const fo = object(item, f, r)
    if (fo === undefined) return undefined
    checkShape(fo, f, r, { fields: ['from', 'to'] })
    const from = str(fo.from, at(f, 'from'), r) ?? ''
    const to = str(fo.to, at(f, 'to'), r) ?? ''
    if (from === to) r.error('MD0106', f, `${what} failover settings must specify different regions`, { from, to })
    if (from.includes('/') || to.includes('/')) r.error('MD0106', f, `${what} failover only specifies regions, without "/"`, { from, to })
    if (from.includes('*') || to.includes('*')) r.error('MD0106', f, `${what} failover region should not contain '*' wildcard`, { from, to })
    return { from, to }
  })
  const failoverPriority = strList(o.failoverPriority, at(field, 'failoverPriority'), r)
  return { failover, failoverPriority }
}

/** Istio warns: failover only happens when outlier detection ejects the local endpoints. */
export function warnFailoverWithoutOutlier(f: Failover, hasOutlierDetection: boolean, field: string, r: Reporter): void {
  if ((f.failover.length > 0 || f.failoverPriority.length > 0) && !hasOutlierDetection) {
    r.warn('MD0121', field, 'outlier detection policy must be provided for failover')
  }
}
