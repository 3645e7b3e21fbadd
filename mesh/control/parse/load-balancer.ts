/**
 * `trafficPolicy.loadBalancer`: `simple` (LEAST_CONN is read as LEAST_REQUEST) or `consistentHash`. Locality
 * settings and slow start are validated as Istio does, then flagged as not simulated.
 */

import type { LoadBalancerSettings, SimpleLB } from '../types.ts'
import { absent, checkShape, object, str } from './fields.ts'
import { consistentHash } from './consistent-hash.ts'
import { durationMs } from './duration.ts'
import { localityLbSetting } from './locality-lb-setting.ts'
import { at, type Reporter } from './reporter.ts'
import { warmup } from './warmup.ts'
import { zoneAwareLbSetting } from './zone-aware-lb-setting.ts'

const SIMPLE: readonly SimpleLB[] = ['ROUND_ROBIN', 'LEAST_REQUEST', 'RANDOM', 'PASSTHROUGH']
const NOT_SIMULATED = 'is not simulated: meshdojo has one locality'

/** `hasOutlierDetection`: whether the same policy level has outlierDetection (failover needs it). */
export function loadBalancer(v: unknown, field: string, r: Reporter, hasOutlierDetection = false): LoadBalancerSettings | undefined {
  const o = object(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, {
    fields: ['simple', 'consistentHash'],
    ignored: {
      localityLbSetting: `localityLbSetting ${NOT_SIMULATED}`,
      zoneAwareLbSetting: `zoneAwareLbSetting ${NOT_SIMULATED}`,
      warmup: 'warmup (slow start) is not simulated',
      warmupDurationSecs: 'warmupDurationSecs (slow start) is not simulated',
    },
  })
  const f = (k: string) => at(field, k)
  if (!absent(o.localityLbSetting) && !absent(o.zoneAwareLbSetting)) {
    r.error('MD0107', field, 'only one of localityLbSetting and zoneAwareLbSetting can be set')
  }
  localityLbSetting(o.localityLbSetting, f('localityLbSetting'), r, hasOutlierDetection)
  zoneAwareLbSetting(o.zoneAwareLbSetting, f('zoneAwareLbSetting'), r, hasOutlierDetection)
  warmup(o.warmup, f('warmup'), r)
  durationMs(o.warmupDurationSecs, f('warmupDurationSecs'), r)
  if (!absent(o.simple) && !absent(o.consistentHash)) {
    r.error('MD0107', field, 'only one of simple or consistentHash may be set')
    return undefined
  }
  const simple = simpleLb(o.simple, f('simple'), r)
  const hash = consistentHash(o.consistentHash, f('consistentHash'), r)
  return { ...(simple === undefined ? {} : { simple }), ...(hash === undefined ? {} : { consistentHash: hash }) }
}

function simpleLb(v: unknown, field: string, r: Reporter): SimpleLB | undefined {
  const s = str(v, field, r)
  if (s === undefined || s === 'UNSPECIFIED') return undefined
  if (s === 'LEAST_CONN') {
    r.warn('MD0105', field, 'LEAST_CONN is deprecated; it means LEAST_REQUEST')
    return 'LEAST_REQUEST'
  }
  if ((SIMPLE as readonly string[]).includes(s)) return s as SimpleLB
  r.error('MD0106', field, `must be one of ${SIMPLE.join(', ')} (or LEAST_CONN, UNSPECIFIED)`, s)
  return undefined
}
