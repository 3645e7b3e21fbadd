/**
 * One Gateway `servers[]` entry (Server): port, bind, hosts and TLS, with Istio's checks. meshdojo's ingress
 * serves plain HTTP, so HTTPS/TLS servers are accepted (after those checks) but flagged as not simulated.
 */

import type { GatewayServer } from '../types.ts'
import { absent, checkShape, int, isObj, object, requiredObject, str, strList, UINT32 } from './fields.ts'
import { dnsLabelProblem, isIPAddress, wildcardDomainProblem } from './names.ts'
import { at, type Reporter } from './reporter.ts'
import { serverTls } from './server-tls.ts'

const PROTOCOLS = ['HTTP', 'HTTPS', 'HTTP2', 'GRPC', 'GRPC-WEB', 'HTTP_PROXY', 'TCP', 'TLS', 'UDP', 'MONGO', 'REDIS', 'MYSQL']
const HTTP_PROTOCOLS = ['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB', 'HTTP_PROXY']
const TLS_PROTOCOLS = ['HTTPS', 'TLS']
const UNIX = 'unix://'

export function gatewayServer(v: unknown, field: string, r: Reporter): GatewayServer | undefined {
  const o = object(v, field, r)
  if (o === undefined) {
    if (absent(v)) r.error('MD0108', field, 'server may not be null')
    return undefined
  }
  checkShape(o, field, r, {
    fields: ['port', 'hosts', 'tls', 'name'],
    ignored: { bind: 'bind is not simulated', defaultEndpoint: 'defaultEndpoint is not simulated' },
  })
  const before = r.errorCount
  const bind = str(o.bind, at(field, 'bind'), r) ?? ''
  str(o.defaultEndpoint, at(field, 'defaultEndpoint'), r)
  const port = serverPort(o.port, at(field, 'port'), r, bind.startsWith(UNIX))
  checkBind(bind, o.port, field, r)
  const hosts = strList(o.hosts, at(field, 'hosts'), r)
  if (absent(o.hosts) || (Array.isArray(o.hosts) && o.hosts.length === 0)) r.error('MD0108', at(field, 'hosts'), 'a server needs at least one host')
  hosts.forEach((h, i) => checkServerHost(h, at(at(field, 'hosts'), i), r))
  const name = str(o.name, at(field, 'name'), r)
  const tls = serverTls(o.tls, at(field, 'tls'), r)
  if (port !== undefined) checkProtocolAndTls(port.protocol, tls, isObj(o.tls) ? o.tls : undefined, field, r)
  if (r.errorCount > before || port === undefined) return undefined
  return { port, hosts, ...(name ? { name } : {}), ...(tls === undefined ? {} : { tls }) }
}

/** `unixSocket`: the server binds a unix domain socket, so its port number may (and must) be 0. */
function serverPort(v: unknown, field: string, r: Reporter, unixSocket: boolean): GatewayServer['port'] | undefined {
  const o = requiredObject(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, { fields: ['number', 'protocol', 'name', 'targetPort'] })
  if (!absent(o.targetPort)) r.error('MD0111', at(field, 'targetPort'), 'has no effect on Gateways; remove it', o.targetPort)
  if (absent(o.number)) r.error('MD0108', at(field, 'number'), 'is required')
  const number = int(o.number, at(field, 'number'), r, UINT32)
  if (number !== undefined && (number > 0 || !unixSocket) && (number < 1 || number > 65535)) {
    r.error('MD0111', at(field, 'number'), 'must be a port number from 1 to 65535', number)
  }
  const protocolText = str(o.protocol, at(field, 'protocol'), r)
  const protocol = protocolText?.toUpperCase()
  if (absent(o.protocol)) r.error('MD0108', at(field, 'protocol'), 'is required (e.g. "HTTP")')
  else if (protocol !== undefined && !PROTOCOLS.includes(protocol)) {
    r.error('MD0106', at(field, 'protocol'), `must be one of ${PROTOCOLS.join(', ')}`, protocolText)
  }
  const name = str(o.name, at(field, 'name'), r)
  if (!name) r.error('MD0108', at(field, 'name'), 'is required (a port name, e.g. "http")')
  if (number === undefined || protocol === undefined || !PROTOCOLS.includes(protocol) || !name) return undefined
  return { number, protocol, name }
}

/** `bind`: an IP address, or `unix://` and an absolute path or `@abstract` name (then the port number is 0). */
function checkBind(bind: string, port: unknown, field: string, r: Reporter): void {
  const f = at(field, 'bind')
  if (bind.startsWith(UNIX)) {
    const path = bind.slice(UNIX.length)
    if (path === '') r.error('MD0106', f, 'unix address must not be empty', bind)
    else if (!path.startsWith('@') && (!path.startsWith('/') || path.endsWith('/'))) r.error('MD0106', f, 'must be an absolute path to a file', bind)
    const number = isObj(port) ? port.number : undefined
    if (typeof number === 'number' && number !== 0) r.error('MD0111', at(at(field, 'port'), 'number'), 'port number must be 0 for unix domain socket', number)
  } else if (bind !== '' && !isIPAddress(bind)) {
    r.error('MD0106', f, 'is not a valid IP address', bind)
  }
}

/** `host`, `ns/host`, `./host` or `*\/host`; the host part is `*`, `*.suffix` or a dotted name (no short names). */
function checkServerHost(value: string, field: string, r: Reporter): void {
  const slash = value.indexOf('/')
  const ns = slash < 0 ? undefined : value.slice(0, slash)
  const host = slash < 0 ? value : value.slice(slash + 1)
  if (ns !== undefined && ns !== '*' && ns !== '.' && dnsLabelProblem(ns) !== undefined) {
    r.error('MD0110', field, `namespace ${JSON.stringify(ns)} must be "*", "." or a namespace name`, value)
    return
  }
  if (host === '*' || isIPAddress(host)) return
  if (!host.includes('.')) {
    r.error('MD0110', field, 'short names are not allowed in a Gateway; use "*" or a full host name', value)
    return
  }
  if (host.includes('*') && !host.startsWith('*.')) {
    r.error('MD0110', field, 'partial wildcards are not allowed; use "*.example.com"', value)
    return
  }
  const problem = wildcardDomainProblem(host)
  if (problem !== undefined) r.error('MD0110', field, `is not a valid host (${problem})`, value)
}

/**
 * HTTPS/TLS servers need `tls`; plain-text ones may only carry a passthrough `tls` without certificates
 * (which is how `httpsRedirect: true` is written), and only HTTP servers may redirect.
 */
function checkProtocolAndTls(protocol: string, tls: GatewayServer['tls'], rawTls: Readonly<Record<string, unknown>> | undefined, field: string, r: Reporter): void {
  const tlsField = at(field, 'tls')
  if (TLS_PROTOCOLS.includes(protocol)) {
    if (rawTls === undefined) r.error('MD0108', tlsField, `is required for ${protocol} servers`)
    else r.warn('MD0104', at(field, 'port'), `${protocol} servers are not simulated: meshdojo's ingress serves plain HTTP`)
  } else if (rawTls !== undefined) {
    const passthrough = absent(rawTls.mode) || rawTls.mode === 'PASSTHROUGH' || rawTls.mode === 'AUTO_PASSTHROUGH'
    const certificates = ['caCertificates', 'privateKey', 'serverCertificate'].some((k) => typeof rawTls[k] === 'string' && rawTls[k] !== '')
    if (!HTTP_PROTOCOLS.includes(protocol)) r.error('MD0107', tlsField, `a ${protocol} server cannot have TLS settings (only HTTPS and TLS servers can)`)
    else if (!passthrough || certificates) r.error('MD0107', tlsField, `a ${protocol} server cannot have TLS settings for plain text (only httpsRedirect)`)
  }
  if (tls?.httpsRedirect && !HTTP_PROTOCOLS.includes(protocol)) {
    r.warn('MD0121', at(tlsField, 'httpsRedirect'), 'tls.httpsRedirect should only be used with http servers')
  } else if (tls?.httpsRedirect) {
    r.warn('MD0104', at(tlsField, 'httpsRedirect'), 'httpsRedirect is not simulated: there is no HTTPS listener to redirect to')
  }
  if (!HTTP_PROTOCOLS.includes(protocol) && !TLS_PROTOCOLS.includes(protocol)) {
    r.warn('MD0104', at(at(field, 'port'), 'protocol'), `${protocol} servers are not simulated: meshdojo's ingress serves HTTP only`)
  }
}
