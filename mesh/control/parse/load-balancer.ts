/** `trafficPolicy.loadBalancer`: `simple` (LEAST_CONN is read as LEAST_REQUEST) or `consistentHash`. */

import type { ConsistentHashKey, LoadBalancerSettings, SimpleLB } from '../types.ts'
import { absent, bool, checkShape, listOf, object, requiredStr, str } from './fields.ts'
import { durationMs } from './duration.ts'
import { at, type Reporter } from './reporter.ts'

const SIMPLE: readonly SimpleLB[] = ['ROUND_ROBIN', 'LEAST_REQUEST', 'RANDOM', 'PASSTHROUGH']
const NOT_SIMULATED = 'is not simulated: meshdojo has one locality'

export function loadBalancer(v: unknown, field: string, r: Reporter): LoadBalancerSettings | undefined {
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
  if (!absent(o.simple) && !absent(o.consistentHash)) {
    r.error('MD0107', field, 'only one of simple or consistentHash may be set')
    return undefined
  }
  const simple = simpleLb(o.simple, at(field, 'simple'), r)
  const consistentHash = hashKey(o.consistentHash, at(field, 'consistentHash'), r)
  return { ...(simple === undefined ? {} : { simple }), ...(consistentHash === undefined ? {} : { consistentHash }) }
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

function hashKey(v: unknown, field: string, r: Reporter): ConsistentHashKey | undefined {
  const o = object(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, {
    fields: ['httpHeaderName', 'httpCookie', 'useSourceIp', 'httpQueryParameterName'],
    quiet: ['ringHash', 'maglev'], // the hash ring's shape does not change which requests stick together
  })
  if (!absent(o.minimumRingSize)) r.warn('MD0105', at(field, 'minimumRingSize'), 'is deprecated; use ringHash.minimumRingSize')
  const f = (k: string) => at(field, k)
  const useSourceIp = bool(o.useSourceIp, f('useSourceIp'), r)
  const keys = ['httpHeaderName', 'httpCookie', 'httpQueryParameterName'].filter((k) => !absent(o[k]))
  if (useSourceIp) keys.push('useSourceIp')
  if (keys.length > 1) {
    r.error('MD0107', field, `only one hash key may be set, got ${keys.join(' and ')}`)
    return undefined
  }
  switch (keys[0]) {
    case 'httpHeaderName': {
      const name = requiredStr(o.httpHeaderName, f('httpHeaderName'), r)
      return name === undefined ? undefined : { kind: 'header', name: name.toLowerCase() }
    }
    case 'httpQueryParameterName': {
      const name = requiredStr(o.httpQueryParameterName, f('httpQueryParameterName'), r)
      return name === undefined ? undefined : { kind: 'queryParameter', name }
    }
    case 'useSourceIp':
      return { kind: 'sourceIp' }
    case 'httpCookie':
      return cookie(o.httpCookie, f('httpCookie'), r)
    default:
      r.warn('MD0121', field, 'has no hash key (httpHeaderName, httpCookie, useSourceIp or httpQueryParameterName), so nothing sticks')
      return undefined
  }
}

function cookie(v: unknown, field: string, r: Reporter): ConsistentHashKey | undefined {
  const o = object(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, { fields: ['name', 'path', 'ttl', 'attributes'] })
  const name = requiredStr(o.name, at(field, 'name'), r)
  const path = str(o.path, at(field, 'path'), r)
  const ttlMs = durationMs(o.ttl, at(field, 'ttl'), r, { allowZero: true })
  const attributes = cookieAttributes(o.attributes, at(field, 'attributes'), r)
  if (name === undefined || (!absent(o.ttl) && ttlMs === undefined)) return undefined
  return { kind: 'cookie', name, ...(path ? { path } : {}), ...(ttlMs === undefined ? {} : { ttlMs }), ...(attributes.length > 0 ? { attributes } : {}) }
}

/** `httpCookie.attributes`: name (required, unique) and value (may be empty: a flag such as `Secure`). */
function cookieAttributes(v: unknown, field: string, r: Reporter): { name: string; value: string }[] {
  const seen = new Set<string>()
  return listOf(v, field, r, (item, f) => {
    const a = object(item, f, r)
    if (a === undefined) return undefined
    checkShape(a, f, r, { fields: ['name', 'value'] })
    const name = str(a.name, at(f, 'name'), r)
    const value = str(a.value, at(f, 'value'), r) ?? ''
    if (!name) {
      r.error('MD0108', at(f, 'name'), 'cookie attribute name cannot be empty')
      return undefined
    }
    if (seen.has(name)) {
      r.error('MD0118', at(f, 'name'), `duplicate cookie attribute name: ${name}`)
      return undefined
    }
    seen.add(name)
    return { name, value }
  })
}
