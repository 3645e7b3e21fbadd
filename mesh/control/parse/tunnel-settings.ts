/**
 * `trafficPolicy.tunnel` (TunnelSettings: tunnel TCP over HTTP CONNECT or POST) and `trafficPolicy.proxyProtocol`:
 * validated as Istio does, not simulated.
 */

import { absent, checkShape, int, object, oneOfStr, str } from './fields.ts'
import { fqdnProblem, isIPAddress } from './names.ts'
import { at, type Reporter } from './reporter.ts'

const PROTOCOLS = ['CONNECT', 'POST'] as const
const PROXY_PROTOCOL_VERSIONS = ['V1', 'V2'] as const
const UINT32 = { min: 0, max: 2 ** 32 - 1, must: 'must be a non-negative integer' }

export function tunnelSettings(v: unknown, field: string, r: Reporter): void {
  const o = object(v, field, r)
  if (o === undefined) return
  checkShape(o, field, r, { fields: ['protocol', 'targetHost', 'targetPort'] })
  const f = (k: string) => at(field, k)
  const protocol = str(o.protocol, f('protocol'), r)
  if (protocol !== undefined && protocol !== '' && !(PROTOCOLS as readonly string[]).includes(protocol)) {
    r.error('MD0106', f('protocol'), 'tunnel protocol must be "CONNECT" or "POST"', protocol)
  }
  if (absent(o.targetHost)) r.error('MD0108', f('targetHost'), 'is required')
  const host = str(o.targetHost, f('targetHost'), r)
  if (host !== undefined) {
    const problem = fqdnProblem(host)
    if (problem !== undefined && !isIPAddress(host)) r.error('MD0110', f('targetHost'), `tunnel target host must be a valid FQDN or IP address (${problem})`, host)
  }
  if (absent(o.targetPort)) r.error('MD0108', f('targetPort'), 'is required')
  const port = int(o.targetPort, f('targetPort'), r, UINT32)
  if (port !== undefined && (port < 1 || port > 65535)) r.error('MD0111', f('targetPort'), 'tunnel target port must be a port number from 1 to 65535', port)
}

export function proxyProtocol(v: unknown, field: string, r: Reporter): void {
  const o = object(v, field, r)
  if (o === undefined) return
  checkShape(o, field, r, { fields: ['version'] })
  oneOfStr(o.version, at(field, 'version'), r, PROXY_PROTOCOL_VERSIONS)
}
