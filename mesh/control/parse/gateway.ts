/**
 * Gateway `spec`: workload selector and servers. meshdojo's ingress serves plain HTTP, so HTTPS/TLS servers
 * are accepted (after Istio's checks) but flagged as not simulated.
 */

import type { GatewayServer, GatewaySpec } from '../types.ts'
import { absent, bool, checkShape, checkUnique, listOf, object, requiredObject, str, strList, strMap } from './fields.ts'
import { portNumber } from './destination.ts'
import { checkLabels, dnsLabelProblem, isIPAddress, wildcardDomainProblem } from './names.ts'
import { at, type Reporter } from './reporter.ts'

const PROTOCOLS = ['HTTP', 'HTTPS', 'HTTP2', 'GRPC', 'GRPC-WEB', 'HTTP_PROXY', 'TCP', 'TLS', 'UDP', 'MONGO', 'REDIS', 'MYSQL']
const HTTP_PROTOCOLS = ['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB', 'HTTP_PROXY']
const TLS_PROTOCOLS = ['HTTPS', 'TLS']
const SERVER_TLS_MODES = ['PASSTHROUGH', 'SIMPLE', 'MUTUAL', 'AUTO_PASSTHROUGH', 'ISTIO_MUTUAL', 'OPTIONAL_MUTUAL']

export function gatewaySpec(v: unknown, field: string, r: Reporter): GatewaySpec | undefined {
  const o = requiredObject(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, { fields: ['selector', 'servers'] })
  const before = r.errorCount
  const selector = strMap(o.selector, at(field, 'selector'), r)
  checkLabels(selector, at(field, 'selector'), r)
  const serversField = at(field, 'servers')
  const servers = listOf(o.servers, serversField, r, (item, f) => server(item, f, r))
  if (absent(o.servers) || (Array.isArray(o.servers) && o.servers.length === 0)) {
    r.error('MD0108', serversField, 'a Gateway needs at least one server')
  }
  checkUnique(servers.map((s, i) => ({ name: s.port.name ?? '', i })), (s) => s.name, (s, _first, count) => {
    r.error('MD0118', at(at(at(serversField, s.i), 'port'), 'name'), `port names in servers must be unique${count > 2 ? ` (listed ${count} times)` : ''}`, s.name)
  })
  if (r.errorCount > before) return undefined
  return { selector, servers }
}

function server(v: unknown, field: string, r: Reporter): GatewayServer | undefined {
  const o = object(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, {
    fields: ['port', 'hosts', 'tls', 'name'],
    ignored: { bind: 'bind is not simulated', defaultEndpoint: 'defaultEndpoint is not simulated' },
  })
  const before = r.errorCount
  const port = serverPort(o.port, at(field, 'port'), r)
  const hosts = strList(o.hosts, at(field, 'hosts'), r)
  if (absent(o.hosts) || (Array.isArray(o.hosts) && o.hosts.length === 0)) r.error('MD0108', at(field, 'hosts'), 'a server needs at least one host')
  hosts.forEach((h, i) => checkServerHost(h, at(at(field, 'hosts'), i), r))
  const name = str(o.name, at(field, 'name'), r)
  const tls = serverTls(o.tls, at(field, 'tls'), r)
  if (port !== undefined) checkProtocolAndTls(port.protocol, tls, o.tls, field, r)
  if (r.errorCount > before || port === undefined) return undefined
  return { port, hosts, ...(name ? { name } : {}), ...(tls === undefined ? {} : { tls }) }
}

function serverPort(v: unknown, field: string, r: Reporter): GatewayServer['port'] | undefined {
  const o = requiredObject(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, { fields: ['number', 'protocol', 'name', 'targetPort'] })
  if (!absent(o.targetPort)) r.error('MD0111', at(field, 'targetPort'), 'has no effect on Gateways; remove it', o.targetPort)
  if (absent(o.number)) r.error('MD0108', at(field, 'number'), 'is required')
  const number = portNumber(o.number, at(field, 'number'), r)
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

function serverTls(v: unknown, field: string, r: Reporter): GatewayServer['tls'] | undefined {
  const o = object(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, {
    fields: ['httpsRedirect', 'mode'],
    quiet: ['serverCertificate', 'privateKey', 'caCertificates', 'caCrl', 'credentialName', 'credentialNames',
      'caCertCredentialName', 'tlsCertificates', 'subjectAltNames', 'verifyCertificateSpki', 'verifyCertificateHash',
      'minProtocolVersion', 'maxProtocolVersion', 'cipherSuites', 'insecureSkipVerify'],
  })
  const httpsRedirect = bool(o.httpsRedirect, at(field, 'httpsRedirect'), r) ?? false
  const mode = str(o.mode, at(field, 'mode'), r)
  if (mode !== undefined && !SERVER_TLS_MODES.includes(mode)) {
    r.error('MD0106', at(field, 'mode'), `must be one of ${SERVER_TLS_MODES.join(', ')}`, mode)
  }
  return { ...(mode === undefined ? {} : { mode }), httpsRedirect }
}

function checkProtocolAndTls(protocol: string, tls: GatewayServer['tls'], rawTls: unknown, field: string, r: Reporter): void {
  const onlyRedirect = tls !== undefined && Object.keys(object(rawTls, field, r) ?? {}).every((k) => k === 'httpsRedirect')
  if (TLS_PROTOCOLS.includes(protocol)) {
    if (tls === undefined) r.error('MD0108', at(field, 'tls'), `is required for ${protocol} servers`)
    else r.warn('MD0104', at(field, 'port'), `${protocol} servers are not simulated: meshdojo's ingress serves plain HTTP`)
  } else if (tls !== undefined && !(HTTP_PROTOCOLS.includes(protocol) && onlyRedirect)) {
    r.error('MD0107', at(field, 'tls'), `a ${protocol} server cannot have TLS settings (only httpsRedirect)`)
  } else if (tls?.httpsRedirect) {
    r.warn('MD0104', at(at(field, 'tls'), 'httpsRedirect'), 'httpsRedirect is not simulated: there is no HTTPS listener to redirect to')
  }
  if (!HTTP_PROTOCOLS.includes(protocol) && !TLS_PROTOCOLS.includes(protocol)) {
    r.warn('MD0104', at(at(field, 'port'), 'protocol'), `${protocol} servers are not simulated: meshdojo's ingress serves HTTP only`)
  }
}
