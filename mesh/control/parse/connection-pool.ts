/**
 * `trafficPolicy.connectionPool` (Envoy circuit breakers). As in Istio's translation, a limit of 0 means
 * "not set" (unlimited), so it comes out undefined.
 */

import type { ConnectionPoolSettings } from '../types.ts'
import { absent, checkShape, int, NON_NEGATIVE_INT32, object } from './fields.ts'
import { durationMs } from './duration.ts'
import { at, type Reporter } from './reporter.ts'

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
  return {
    ...(http1MaxPendingRequests === undefined ? {} : { http1MaxPendingRequests }),
    ...(http2MaxRequests === undefined ? {} : { http2MaxRequests }),
    ...(maxRequestsPerConnection === undefined ? {} : { maxRequestsPerConnection }),
    ...(maxRetries === undefined ? {} : { maxRetries }),
    ...(idleTimeoutMs === undefined ? {} : { idleTimeoutMs }),
  }
}
