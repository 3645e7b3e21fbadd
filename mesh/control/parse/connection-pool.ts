/**
 * `trafficPolicy.connectionPool` (Envoy circuit breakers). As in Istio's translation, a limit of 0 means
 * "not set" (unlimited), so it comes out undefined. Settings meshdojo does not simulate (keepalives, HTTP/2)
 * are still validated as Istio does, then flagged MD0104.
 */

import type { ConnectionPoolSettings } from '../types.ts'
import { absent, bool, checkShape, int, NON_NEGATIVE_INT32, object, oneOfStr, UINT32 } from './fields.ts'
import { durationMs, parseGoDuration } from './duration.ts'
import { at, type Reporter } from './reporter.ts'

const H2_UPGRADE_POLICIES = ['DEFAULT', 'DO_NOT_UPGRADE', 'UPGRADE'] as const

type Tcp = NonNullable<ConnectionPoolSettings['tcp']>
type Http = NonNullable<ConnectionPoolSettings['http']>

export function connectionPool(v: unknown, field: string, r: Reporter): ConnectionPoolSettings | undefined {
  const o = object(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, { fields: ['tcp', 'http'] })
  if (absent(o.tcp) && absent(o.http)) {
    r.error('MD0108', field, 'needs tcp, http, or both')
    return undefined
  }
  const tcp = tcpSettings(o.tcp, at(field, 'tcp'), r)
  const http = httpSettings(o.http, at(field, 'http'), r)
  return { ...(tcp === undefined ? {} : { tcp }), ...(http === undefined ? {} : { http }) }
}

const limit = (v: unknown, field: string, r: Reporter): number | undefined => {
  const n = int(v, field, r, NON_NEGATIVE_INT32)
  return n === 0 ? undefined : n
}

function tcpSettings(v: unknown, field: string, r: Reporter): Tcp | undefined {
  const o = object(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, {
    fields: ['maxConnections', 'connectTimeout'],
    ignored: {
      tcpKeepalive: 'tcpKeepalive is not simulated',
      maxConnectionDuration: 'maxConnectionDuration is not simulated',
      idleTimeout: 'tcp.idleTimeout is not simulated; use http.idleTimeout',
    },
  })
  const maxConnections = limit(o.maxConnections, at(field, 'maxConnections'), r)
  const connectTimeoutMs = durationMs(o.connectTimeout, at(field, 'connectTimeout'), r)
  durationMs(o.maxConnectionDuration, at(field, 'maxConnectionDuration'), r)
  tcpIdleTimeout(o.idleTimeout, at(field, 'idleTimeout'), r)
  tcpKeepalive(o.tcpKeepalive, at(field, 'tcpKeepalive'), r)
  return {
    ...(maxConnections === undefined ? {} : { maxConnections }),
    ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
  }
}

function httpSettings(v: unknown, field: string, r: Reporter): Http | undefined {
  const o = object(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, {
    fields: ['http1MaxPendingRequests', 'http2MaxRequests', 'maxRequestsPerConnection', 'maxRetries', 'idleTimeout'],
    ignored: {
      h2UpgradePolicy: 'h2UpgradePolicy is not simulated: hops are HTTP/1.1',
      useClientProtocol: 'useClientProtocol is not simulated: hops are HTTP/1.1',
      maxConcurrentStreams: 'maxConcurrentStreams is not simulated: hops are HTTP/1.1',
      http2KeepAlive: 'http2KeepAlive is not simulated: hops are HTTP/1.1',
    },
  })
  const f = (k: string) => at(field, k)
  const http1MaxPendingRequests = limit(o.http1MaxPendingRequests, f('http1MaxPendingRequests'), r)
  const http2MaxRequests = limit(o.http2MaxRequests, f('http2MaxRequests'), r)
  const maxRequestsPerConnection = int(o.maxRequestsPerConnection, f('maxRequestsPerConnection'), r, NON_NEGATIVE_INT32)
  const maxRetries = limit(o.maxRetries, f('maxRetries'), r)
  const idleTimeoutMs = durationMs(o.idleTimeout, f('idleTimeout'), r)
  const upgrade = oneOfStr(o.h2UpgradePolicy, f('h2UpgradePolicy'), r, H2_UPGRADE_POLICIES)
  if (bool(o.useClientProtocol, f('useClientProtocol'), r) === true && upgrade === 'UPGRADE') {
    r.error('MD0107', f('useClientProtocol'), 'use client protocol must not be true when h2UpgradePolicy is UPGRADE')
  }
  int(o.maxConcurrentStreams, f('maxConcurrentStreams'), r, NON_NEGATIVE_INT32)
  http2KeepAlive(o.http2KeepAlive, f('http2KeepAlive'), r)
  return {
    ...(http1MaxPendingRequests === undefined ? {} : { http1MaxPendingRequests }),
    ...(http2MaxRequests === undefined ? {} : { http2MaxRequests }),
    ...(maxRequestsPerConnection === undefined ? {} : { maxRequestsPerConnection }),
    ...(maxRetries === undefined ? {} : { maxRetries }),
    ...(idleTimeoutMs === undefined ? {} : { idleTimeoutMs }),
  }
}

/** `tcp.idleTimeout`: Istio skips its duration check when the value is under 1 ms (0s disables the timeout). */
function tcpIdleTimeout(v: unknown, field: string, r: Reporter): void {
  const parsed = typeof v === 'string' ? parseGoDuration(v) : undefined
  if (parsed?.ok && parsed.ns / 1_000_000n === 0n) return
  durationMs(v, field, r)
}

function tcpKeepalive(v: unknown, field: string, r: Reporter): void {
  const o = object(v, field, r)
  if (o === undefined) return
  checkShape(o, field, r, { fields: ['probes', 'time', 'interval'] })
  int(o.probes, at(field, 'probes'), r, UINT32)
  durationMs(o.time, at(field, 'time'), r)
  durationMs(o.interval, at(field, 'interval'), r)
}

/** `http.http2KeepAlive`: both the ping interval and its timeout are required. */
function http2KeepAlive(v: unknown, field: string, r: Reporter): void {
  const o = object(v, field, r)
  if (o === undefined) return
  checkShape(o, field, r, { fields: ['interval', 'timeout'] })
  for (const key of ['interval', 'timeout'] as const) {
    if (absent(o[key])) r.error('MD0108', at(field, key), `http2 keepalive ${key} is required`)
    else durationMs(o[key], at(field, key), r)
  }
}
