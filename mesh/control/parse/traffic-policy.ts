/** `trafficPolicy` at host, subset and port level: load balancer, connection pool, outlier detection, TLS. */

import type { TLSMode, TrafficPolicy, TrafficPolicyFields } from '../types.ts'
import { absent, checkShape, listOf, object, str, type Obj } from './fields.ts'
import { connectionPool } from './connection-pool.ts'
import { portNumber } from './destination.ts'
import { loadBalancer } from './load-balancer.ts'
import { outlierDetection } from './outlier-detection.ts'
import { at, type Reporter } from './reporter.ts'

const POLICY_FIELDS = ['loadBalancer', 'connectionPool', 'outlierDetection', 'tls']
const TLS_MODES: readonly TLSMode[] = ['DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL']

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
  const portLevelSettings = listOf(o.portLevelSettings, at(field, 'portLevelSettings'), r, (item, f) => portPolicy(item, f, r))
  return { ...policyFields(o, field, r), portLevelSettings }
}

function portPolicy(v: unknown, field: string, r: Reporter): (TrafficPolicyFields & { port: number }) | undefined {
  const o = object(v, field, r)
  if (o === undefined) return undefined
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
  const lb = loadBalancer(o.loadBalancer, at(field, 'loadBalancer'), r)
  const pool = connectionPool(o.connectionPool, at(field, 'connectionPool'), r)
  const outlier = outlierDetection(o.outlierDetection, at(field, 'outlierDetection'), r)
  const tls = tlsSettings(o.tls, at(field, 'tls'), r)
  return {
    ...(lb === undefined ? {} : { loadBalancer: lb }),
    ...(pool === undefined ? {} : { connectionPool: pool }),
    ...(outlier === undefined ? {} : { outlierDetection: outlier }),
    ...(tls === undefined ? {} : { tls }),
  }
}

function tlsSettings(v: unknown, field: string, r: Reporter): { mode: TLSMode } | undefined {
  const o = object(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, {
    fields: ['mode'],
    quiet: ['clientCertificate', 'privateKey', 'caCertificates', 'credentialName', 'subjectAltNames', 'sni', 'insecureSkipVerify', 'caCrl'],
  })
  const mode = str(o.mode, at(field, 'mode'), r) ?? 'DISABLE'
  if (!(TLS_MODES as readonly string[]).includes(mode)) {
    r.error('MD0106', at(field, 'mode'), `must be one of ${TLS_MODES.join(', ')}`, mode)
    return undefined
  }
  if (mode === 'MUTUAL' && absent(o.credentialName) && (absent(o.clientCertificate) || absent(o.privateKey))) {
    r.error('MD0108', field, 'MUTUAL needs clientCertificate and privateKey, or credentialName')
  }
  if (mode === 'SIMPLE' || mode === 'MUTUAL') {
    r.warn('MD0104', at(field, 'mode'), `${mode} TLS origination is not simulated; the hop stays plain HTTP`)
  }
  return { mode: mode as TLSMode }
}
