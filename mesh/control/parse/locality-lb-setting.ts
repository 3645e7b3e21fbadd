/**
 * `loadBalancer.localityLbSetting` (LocalityLoadBalancerSetting): weighted `distribute` or `failover`, never
 * both, with valid locality names (`region/zone/subzone`, a `*` only at the end). Validated, not simulated.
 */

import { bool, checkShape, int, listOf, object, str } from './fields.ts'
import { failoverSettings, TOPOLOGY_LABELS, warnFailoverWithoutOutlier } from './locality-failover.ts'
import { at, type Reporter } from './reporter.ts'

const WEIGHT = { min: 0, max: 2 ** 32 - 1, must: 'must be a non-negative integer' }

export function localityLbSetting(v: unknown, field: string, r: Reporter, hasOutlierDetection: boolean): void {
  const o = object(v, field, r)
  if (o === undefined) return
  checkShape(o, field, r, { fields: ['distribute', 'failover', 'failoverPriority', 'enabled'] })
  bool(o.enabled, at(field, 'enabled'), r)
  const distribute = listOf(o.distribute, at(field, 'distribute'), r, (item, f) => distribution(item, f, r))
  const failover = failoverSettings(o, field, r, 'locality lb')
  if (distribute.length > 0 && failover.failover.length > 0) {
    r.error('MD0107', field, "can not simultaneously specify 'distribute' and 'failover'")
    return
  }
  if (failover.failover.length > 0) {
    const topology = failover.failoverPriority.findIndex((l) => TOPOLOGY_LABELS.includes(l))
    if (topology >= 0) {
      r.error('MD0107', at(at(field, 'failoverPriority'), topology), "can not simultaneously set 'failover' and a topology label in 'failoverPriority'", failover.failoverPriority[topology])
    }
  }
  checkLocalities(distribute.map((d) => d.from), distribute.map((d) => d.field), r, 'from')
  warnFailoverWithoutOutlier(failover, hasOutlierDetection, field, r)
}

/** One `distribute` entry: weights 1–100 to destination localities, summing to 100. */
function distribution(v: unknown, field: string, r: Reporter): { from: string; field: string } | undefined {
  const o = object(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, { fields: ['from', 'to'] })
  const from = str(o.from, at(field, 'from'), r) ?? ''
  const to = object(o.to, at(field, 'to'), r) ?? {}
  let total = 0
  for (const [locality, weight] of Object.entries(to)) {
    const w = int(weight, at(at(field, 'to'), locality), r, WEIGHT)
    if (w === undefined) continue
    if (w < 1 || w > 100) r.error('MD0117', at(at(field, 'to'), locality), 'locality weight must be in range [1, 100]', w)
    total += w
  }
  if (total !== 100) r.error('MD0117', at(field, 'to'), `total locality weight ${total} != 100`)
  checkLocalities(Object.keys(to), Object.keys(to).map((k) => at(at(field, 'to'), k)), r)
  return { from, field }
}

/**
 * Istio's validateLocalities: non-empty parts, one trailing `*` at most, and no locality repeating or nested in
 * one listed before (region → zones → subzones; a zone or subzone `*` stands for all of them).
 */
function checkLocalities(localities: readonly string[], fields: readonly string[], r: Reporter, key?: string): void {
  const regions = new Map<string, Map<string, Set<string>>>()
  for (const [i, locality] of localities.entries()) {
    const f = key === undefined ? fields[i]! : at(fields[i]!, key)
    const stars = locality.split('*').length - 1
    if (stars > 1 || (stars === 1 && !locality.endsWith('*'))) {
      return r.error('MD0106', f, "locality wildcard '*' may appear once, at the end", locality)
    }
    const overlap = () => r.error('MD0118', f, 'locality overlaps with one listed before', locality)
    if (regions.has('*')) return overlap()
    const parts = locality.split('/')
    const [region, zone, subzone] = [parts[0]!, parts[1], parts.length > 2 ? parts.slice(2).join('/') : undefined]
    if ([region, zone, subzone].some((p) => p === '')) {
      return r.error('MD0106', f, 'locality must not contain empty region/zone/subzone info', locality)
    }
    const zones = regions.get(region)
    if (zone === undefined) {
      if (zones !== undefined) return overlap()
      regions.set(region, new Map([['*', new Set(['*'])]]))
    } else if (zones === undefined) {
      regions.set(region, new Map([[zone, new Set([subzone ?? '*'])]]))
    } else {
      if (zones.has('*')) return overlap()
      const subzones = zones.get(zone)
      if (subzone === undefined) {
        if (subzones !== undefined) return overlap()
        zones.set(zone, new Set(['*']))
      } else if (subzones === undefined) zones.set(zone, new Set([subzone]))
      else if (subzones.has('*') || subzones.has(subzone)) return overlap()
      else subzones.add(subzone)
    }
  }
}
