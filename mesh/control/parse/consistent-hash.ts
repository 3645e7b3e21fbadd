/**
 * `loadBalancer.consistentHash` (ConsistentHashLB): one hash key (header, cookie, source IP or query
 * parameter), and at most one hash algorithm (ringHash, maglev, or the deprecated minimumRingSize). The
 * algorithm does not change which requests stick together, so it is validated and otherwise not simulated.
 */

import type { ConsistentHashKey } from '../types.ts'
import { absent, bool, checkShape, int, listOf, object, requiredStr, str } from './fields.ts'
import { durationMs } from './duration.ts'
import { at, type Reporter } from './reporter.ts'

/** Envoy's maximum maglev table size is below this (and the size must be prime). */
const MAGLEV_LIMIT = 5_000_011
const UINT64 = { min: 0, max: Number.MAX_SAFE_INTEGER, must: 'must be a non-negative integer' }

export function consistentHash(v: unknown, field: string, r: Reporter): ConsistentHashKey | undefined {
  const o = object(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, {
    fields: ['httpHeaderName', 'httpCookie', 'useSourceIp', 'httpQueryParameterName', 'ringHash', 'maglev', 'minimumRingSize'],
  })
  const f = (k: string) => at(field, k)
  hashAlgorithm(o, field, r)
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

/** `ringHash {minimumRingSize}`, `maglev {tableSize}` or the deprecated top-level `minimumRingSize`: one at most. */
function hashAlgorithm(o: Readonly<Record<string, unknown>>, field: string, r: Reporter): void {
  const f = (k: string) => at(field, k)
  const legacy = int(o.minimumRingSize, f('minimumRingSize'), r, UINT64)
  if (legacy !== undefined && legacy !== 0) r.warn('MD0105', f('minimumRingSize'), 'is deprecated; use ringHash.minimumRingSize')
  const algorithms = ['ringHash', 'maglev'].filter((k) => !absent(o[k]))
  if (algorithms.length > 1) r.error('MD0107', field, 'only one of ringHash or maglev may be set')
  if (legacy !== undefined && legacy !== 0 && algorithms.length > 0) {
    r.error('MD0107', f('minimumRingSize'), `only one of minimumRingSize or ${algorithms[0]} may be set; move it into ringHash.minimumRingSize`)
  }
  const ring = object(o.ringHash, f('ringHash'), r)
  if (ring !== undefined) {
    checkShape(ring, f('ringHash'), r, { fields: ['minimumRingSize'] })
    int(ring.minimumRingSize, at(f('ringHash'), 'minimumRingSize'), r, UINT64)
  }
  const maglev = object(o.maglev, f('maglev'), r)
  if (maglev !== undefined) {
    checkShape(maglev, f('maglev'), r, { fields: ['tableSize'] })
    const sizeField = at(f('maglev'), 'tableSize')
    const size = int(maglev.tableSize, sizeField, r, UINT64) ?? (absent(maglev.tableSize) ? 0 : undefined)
    if (size === 0) r.error('MD0108', sizeField, 'tableSize must be set for maglev')
    else if (size !== undefined && size >= MAGLEV_LIMIT) r.error('MD0101', sizeField, `must be less than ${MAGLEV_LIMIT} for maglev`, size)
    else if (size !== undefined && !isPrime(size)) r.error('MD0101', sizeField, 'must be a prime number for maglev', size)
  }
}

/** Envoy's (and Istio's) primality test, for maglev table sizes below 5000011. */
export function isPrime(x: number): boolean {
  if (x !== 0 && x < 4) return true
  if (x % 2 === 0) return false
  for (let factor = 3; factor * factor <= x; factor += 2) if (x % factor === 0) return false
  return true
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
    if (a === undefined) {
      if (absent(item)) r.error('MD0108', at(f, 'name'), 'cookie attribute name cannot be empty')
      return undefined
    }
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
