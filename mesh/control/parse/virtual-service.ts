/**
 * VirtualService `spec`: hosts, gateways (absent means `mesh`) and the ordered http routes. TCP and TLS routes
 * are validated (tcp-route.ts, tls-route.ts) but not simulated. A VirtualService without hosts is a delegate:
 * it has no gateways and no TCP/TLS routes of its own, and serves the roots that name it (delegation.ts).
 */

import { HostIndex } from '../host-index.ts'
import type { VirtualServiceSpec } from '../types.ts'
import { absent, checkShape, isObj, list, listOf, requiredObject, strList } from './fields.ts'
import { exportTo } from './export-to.ts'
import { checkGatewayNames, MESH_GATEWAY } from './gateway-names.ts'
import { isJwtClaimRoute } from './http-match.ts'
import { httpRoute } from './http-route.ts'
import { gatewaySniDomainProblem, isIPAddress, wildcardDomainProblem } from './names.ts'
import { at, type Reporter } from './reporter.ts'
import { tcpRoute } from './tcp-route.ts'
import { tlsRoute } from './tls-route.ts'
import { checkUnreachableRules } from './unreachable-rules.ts'

export function virtualServiceSpec(v: unknown, field: string, r: Reporter): VirtualServiceSpec | undefined {
  const o = requiredObject(v, field, r)
  if (o === undefined) return undefined
  // Istio's test for a delegate: no hosts (absent or empty), whatever else the spec says.
  const isDelegate = absent(o.hosts) || (Array.isArray(o.hosts) && o.hosts.length === 0)
  checkShape(o, field, r, {
    fields: ['hosts', 'gateways', 'http', ...(isDelegate ? ['tcp', 'tls', 'exportTo'] : [])],
    ignored: isDelegate ? {} : {
      tcp: 'TCP routes are not simulated; meshdojo routes HTTP only',
      tls: 'TLS routes are not simulated; meshdojo routes HTTP only',
      exportTo: 'exportTo is not simulated: every namespace sees this VirtualService (only a delegate\'s exportTo is used)',
    },
  })
  const before = r.errorCount
  const f = (k: string) => at(field, k)

  const gatewaysGiven = strList(o.gateways, f('gateways'), r)
  checkGatewayNames(gatewaysGiven, f('gateways'), r)
  const gateways = gatewaysGiven.length === 0 ? [MESH_GATEWAY] : gatewaysGiven
  const hosts = strList(o.hosts, f('hosts'), r)
  const gatewayBound = !gateways.includes(MESH_GATEWAY)
  const tlsRaw = list(o.tls, f('tls'), r) ?? []
  const tcpRaw = list(o.tcp, f('tcp'), r) ?? []
  if (isDelegate) checkDelegate({ gateways: gatewaysGiven, tls: tlsRaw, tcp: tcpRaw }, field, r)
  const sni = tlsRaw.some((t) => isObj(t) && Array.isArray(t.match) && t.match.some((m) => isObj(m) && Array.isArray(m.sniHosts) && m.sniHosts.length > 0))
  checkHosts(hosts, f('hosts'), r, { appliesToMesh: !gatewayBound, sniHosts: gatewayBound && sni })
  exportTo(o.exportTo, f('exportTo'), r)

  const httpRaw = list(o.http, f('http'), r) ?? []
  if (httpRaw.length === 0 && tcpRaw.length === 0 && tlsRaw.length === 0) r.error('MD0108', f('http'), 'is required: http, tcp or tls must be provided in a VirtualService')
  const http = listOf(o.http, f('http'), r, (item, itemField) => httpRoute(item, itemField, r, { inDelegate: isDelegate }))
  if (!gatewayBound) checkNoJwtClaimRoutes(httpRaw, f('http'), r)
  checkUnreachableRules(httpRaw, f('http'), r)
  tlsRaw.forEach((item, i) => tlsRoute(item, at(f('tls'), i), r, { hosts, gatewayBound }))
  tcpRaw.forEach((item, i) => tcpRoute(item, at(f('tcp'), i), r))

  if (r.errorCount > before) return undefined
  const visibleTo = exportedTo(o.exportTo, r.identity.namespace ?? 'default')
  return { hosts, gateways, http, ...(visibleTo.length === 0 ? {} : { exportTo: visibleTo }) }
}

/**
 * Istio's rules for a VirtualService without hosts: its routes are merged into a root's, so the root's
 * gateways apply (its own would mean nothing), and only HTTP routes can be delegated.
 */
function checkDelegate(spec: { gateways: readonly string[]; tls: readonly unknown[]; tcp: readonly unknown[] }, field: string, r: Reporter): void {
  if (spec.gateways.length > 0) {
    r.error('MD0107', at(field, 'gateways'), 'a delegate VirtualService (no hosts) cannot have gateways: the gateways of the root VirtualService that delegates to it apply')
  }
  if (spec.tls.length > 0) r.error('MD0119', at(field, 'tls'), 'a delegate VirtualService (no hosts) cannot have TLS routes: Istio delegates HTTP routes only')
  if (spec.tcp.length > 0) r.error('MD0119', at(field, 'tcp'), 'a delegate VirtualService (no hosts) cannot have TCP routes: Istio delegates HTTP routes only')
}

/** The already checked `exportTo` entries, `.` as the namespace itself; empty when absent. */
function exportedTo(v: unknown, namespace: string): string[] {
  const entries = Array.isArray(v) ? v.filter((e): e is string => typeof e === 'string') : []
  return [...new Set(entries.map((e) => (e === '.' ? namespace : e)))]
}

/** Istio routes on JWT claims only at gateways: a VirtualService bound to the mesh may not match on them. */
function checkNoJwtClaimRoutes(http: readonly unknown[], field: string, r: Reporter): void {
  http.forEach((route, i) => {
    const matches = isObj(route) && Array.isArray(route.match) ? route.match : []
    matches.forEach((m, j) => {
      for (const key of ['headers', 'withoutHeaders'] as const) {
        const names = isObj(m) && isObj(m[key]) ? Object.keys(m[key]) : []
        for (const name of names.filter(isJwtClaimRoute)) {
          r.error('MD0107', at(at(at(at(at(field, i), 'match'), j), key), name), `JWT claim based routing (key: ${name}) is only supported for gateways; this VirtualService is bound to the mesh`)
        }
      }
    })
  })
}

/** `sniHosts`: bound to gateways with TLS routes matched by SNI, so Envoy's `outbound_` SNI names are hosts too. */
function checkHosts(hosts: readonly string[], field: string, r: Reporter, opts: { appliesToMesh: boolean; sniHosts: boolean }): void {
  const { appliesToMesh } = opts
  let allValid = true
  hosts.forEach((host, i) => {
    const problem = isIPAddress(host) ? undefined : opts.sniHosts ? gatewaySniDomainProblem(host) : wildcardDomainProblem(host)
    if (problem !== undefined) {
      r.error('MD0110', at(field, i), `is not a valid host (${problem})`, host)
      allValid = false
    } else if (appliesToMesh && host === '*') {
      r.error('MD0110', at(field, i), 'wildcard host * is not allowed for VirtualServices bound to the mesh; name the services, or bind to a gateway', host)
      allValid = false
    }
  })
  if (!allValid) return
  checkDuplicateHosts(hosts, field, r)
}

/**
 * Istio's "duplicate hosts in virtual service: a & b": hosts that overlap (equal ignoring case, or covered by
 * a wildcard). Istio compares every pair; here each entry that overlaps an earlier one is reported once,
 * naming the earliest, and a host listed many times is reported once with its count. Linear: exact copies
 * by map, wildcards through a HostIndex.
 */
function checkDuplicateHosts(hosts: readonly string[], field: string, r: Reporter): void {
  const distinct = new Map<string, { first: number; second?: number; count: number }>()
  hosts.forEach((host, i) => {
    const key = host.toLowerCase()
    const entry = distinct.get(key)
    if (entry === undefined) distinct.set(key, { first: i, count: 1 })
    else {
      entry.count++
      entry.second ??= i
    }
  })
  const index = new HostIndex<number>()
  for (const [key, { first }] of distinct) index.add(key, first)
  /** Entry index → the earliest entry it overlaps. */
  const partner = new Map<number, number>()
  const pair = (a: number, b: number) => {
    const [early, late] = a < b ? [a, b] : [b, a]
    const known = partner.get(late)
    if (known === undefined || early < known) partner.set(late, early)
  }
  for (const [key, { first }] of distinct) for (const other of index.covering(key)) if (other !== first) pair(first, other)
  const reports: { at: number; message: string }[] = []
  for (const { first, second, count } of distinct.values()) {
    if (second !== undefined) reports.push({ at: second, message: `duplicate hosts in virtual service: ${hosts[first]} & ${hosts[second]} (listed ${count} times)` })
  }
  for (const [late, early] of partner) reports.push({ at: late, message: `duplicate hosts in virtual service: ${hosts[early]} & ${hosts[late]}` })
  reports.sort((a, b) => a.at - b.at)
  for (const { at: i, message } of reports) r.error('MD0118', at(field, i), message)
}
