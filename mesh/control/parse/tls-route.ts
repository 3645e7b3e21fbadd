/**
 * `tls[]` routes of a VirtualService (TLSRoute, TLSMatchAttributes): matched by SNI, each SNI host within the
 * VirtualService's hosts. meshdojo routes HTTP only, so these are validated as Istio does and otherwise not
 * simulated (MD0104).
 */

import { hostMatches } from '../hosts.ts'
import { absent, checkShape, listOf, object, strList } from './fields.ts'
import { gatewaySniDomainProblem, isIPAddress, wildcardDomainProblem } from './names.ts'
import { at, type Reporter } from './reporter.ts'
import { routeDestinationList } from './route-destination.ts'
import { l4Match } from './tcp-route.ts'

/** The VirtualService around the route: its hosts, and whether it is bound to gateways only (not `mesh`). */
export interface TlsRouteContext {
  readonly hosts: readonly string[]
  readonly gatewayBound: boolean
}

export function tlsRoute(v: unknown, field: string, r: Reporter, vs: TlsRouteContext): void {
  const o = object(v, field, r)
  if (o === undefined) {
    if (absent(v)) r.error('MD0108', field, 'must be a route, not empty')
    return
  }
  checkShape(o, field, r, { fields: ['match', 'route'] })
  if (!Array.isArray(o.match) || o.match.length === 0) r.error('MD0108', at(field, 'match'), 'TLS route must have at least one match condition')
  listOf(o.match, at(field, 'match'), r, (item, f) => {
    if (absent(item)) r.error('MD0108', f, 'TLS match may not be empty')
    else tlsMatch(item, f, r, vs)
    return undefined
  })
  if (!Array.isArray(o.route) || o.route.length === 0) r.error('MD0108', at(field, 'route'), 'TLS route is required')
  routeDestinationList(o.route, at(field, 'route'), r)
}

function tlsMatch(v: unknown, field: string, r: Reporter, vs: TlsRouteContext): void {
  const o = l4Match(v, field, r, ['sniHosts'])
  if (o === undefined) return
  const sniField = at(field, 'sniHosts')
  const sniHosts = strList(o.sniHosts, sniField, r)
  if (sniHosts.length === 0) r.error('MD0108', sniField, 'TLS match must have at least one SNI host')
  sniHosts.forEach((sni, i) => checkSniHost(sni, at(sniField, i), r, vs))
}

function checkSniHost(sni: string, field: string, r: Reporter, vs: TlsRouteContext): void {
  const problem = vs.gatewayBound ? gatewaySniDomainProblem(sni) : wildcardDomainProblem(sni)
  if (problem !== undefined) {
    if (isIPAddress(sni)) r.warn('MD0121', field, 'using an IP address goes against the SNI spec, and most clients do not support it', sni)
    else r.error('MD0110', field, `is not a valid SNI host (${problem})`, sni)
    return
  }
  if (!vs.hosts.some((host) => hostMatches(host, sni))) {
    r.error('MD0110', field, `SNI host is not a compatible subset of any of the virtual service hosts: [${vs.hosts.join(', ')}]`, sni)
  }
}
