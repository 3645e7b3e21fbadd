/** `trafficPolicy` at host, subset and port level: load balancer, connection pool, outlier detection, TLS. */

import type { TrafficPolicy, TrafficPolicyFields } from '../types.ts'
import { absent, checkShape, listOf, object, type Obj } from './fields.ts'
import { clientTls } from './client-tls.ts'
import { connectionPool } from './connection-pool.ts'
import { portNumber } from './destination.ts'
import { loadBalancer } from './load-balancer.ts'
import { outlierDetection } from './outlier-detection.ts'
import { at, type Reporter } from './reporter.ts'
import { retryBudget } from './retry-budget.ts'
import { proxyProtocol, tunnelSettings } from './tunnel-settings.ts'

const POLICY_FIELDS = ['loadBalancer', 'connectionPool', 'outlierDetection', 'tls']

export function trafficPolicy(v: unknown, field: string, r: Reporter): TrafficPolicy | undefined {
  const o = object(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, {
    fields: [...POLICY_FIELDS, 'portLevelSettings'],
    ignored: {
      tunnel: 'tunnel is not simulated',
      proxyProtocol: 'proxyProtocol is not simulated',
      retryBudget: 'retryBudget is not simulated; use connectionPool.http.maxRetries',
    },
  })
  if (Object.values(o).every(absent)) {
    r.error('MD0108', field, 'must have at least one field')
    return undefined
  }
  if (!absent(o.tunnel) && !absent(o.proxyProtocol)) r.error('MD0107', field, 'tunnel and proxyProtocol must not be set together')
  tunnelSettings(o.tunnel, at(field, 'tunnel'), r)
  proxyProtocol(o.proxyProtocol, at(field, 'proxyProtocol'), r)
  retryBudget(o.retryBudget, at(field, 'retryBudget'), r)
  const portLevelSettings = listOf(o.portLevelSettings, at(field, 'portLevelSettings'), r, (item, f) => portPolicy(item, f, r))
  return { ...policyFields(o, field, r), portLevelSettings }
}

function portPolicy(v: unknown, field: string, r: Reporter): (TrafficPolicyFields & { port: number }) | undefined {
  const o = object(v, field, r)
  if (o === undefined) {
    if (absent(v)) r.error('MD0108', field, 'port traffic policy may not be null')
    return undefined
  }
  checkShape(o, field, r, { fields: ['port', ...POLICY_FIELDS] })
  const portObj = object(o.port, at(field, 'port'), r)
  if (portObj !== undefined) checkShape(portObj, at(field, 'port'), r, { fields: ['number'] })
  const port = portNumber(portObj?.number, at(at(field, 'port'), 'number'), r)
  if (port === undefined && (portObj === undefined || absent(portObj.number))) r.error('MD0108', at(field, 'port'), 'needs a port number')
  if (POLICY_FIELDS.every((k) => absent(o[k]))) r.error('MD0108', field, 'needs at least one setting besides port')
  const fields = policyFields(o, field, r)
  return port === undefined ? undefined : { ...fields, port }
}

function policyFields(o: Obj, field: string, r: Reporter): TrafficPolicyFields {
  const lb = loadBalancer(o.loadBalancer, at(field, 'loadBalancer'), r, !absent(o.outlierDetection))
  const pool = connectionPool(o.connectionPool, at(field, 'connectionPool'), r)
  const outlier = outlierDetection(o.outlierDetection, at(field, 'outlierDetection'), r)
  const tls = clientTls(o.tls, at(field, 'tls'), r)
  return {
    ...(lb === undefined ? {} : { loadBalancer: lb }),
    ...(pool === undefined ? {} : { connectionPool: pool }),
    ...(outlier === undefined ? {} : { outlierDetection: outlier }),
    ...(tls === undefined ? {} : { tls }),
  }
}
