/**
 * `tcp[]` routes of a VirtualService (TCPRoute, L4MatchAttributes). meshdojo routes HTTP only, so these are
 * validated as Istio does and otherwise not simulated (MD0104).
 */

import { absent, checkShape, int, listOf, object, str, strList, strMap, UINT32 } from './fields.ts'
import { checkGatewayNames } from './gateway-names.ts'
import { checkLabels, ipSubnetProblem } from './names.ts'
import { at, type Reporter } from './reporter.ts'
import { routeDestinationList } from './route-destination.ts'

export function tcpRoute(v: unknown, field: string, r: Reporter): void {
  const o = object(v, field, r)
  if (o === undefined) {
    if (absent(v)) r.error('MD0108', field, 'must be a route, not empty')
    return
  }
  checkShape(o, field, r, { fields: ['match', 'route'] })
  listOf(o.match, at(field, 'match'), r, (item, f) => {
    if (absent(item)) r.error('MD0108', f, 'tcp match may not be empty')
    else l4Match(item, f, r, ['sourceSubnet'])
    return undefined
  })
  if (!Array.isArray(o.route) || o.route.length === 0) r.error('MD0108', at(field, 'route'), 'TCP route is required')
  routeDestinationList(o.route, at(field, 'route'), r)
}

/** The fields L4 matches share (TCP and TLS): subnets, port, source labels and namespace, gateways. */
export function l4Match(v: unknown, field: string, r: Reporter, extra: readonly string[]): Readonly<Record<string, unknown>> | undefined {
  const o = object(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, { fields: ['destinationSubnets', 'port', 'sourceLabels', 'sourceNamespace', 'gateways', ...extra] })
  const f = (k: string) => at(field, k)
  strList(o.destinationSubnets, f('destinationSubnets'), r).forEach((subnet, i) => {
    const problem = ipSubnetProblem(subnet)
    if (problem !== undefined) r.error('MD0106', at(f('destinationSubnets'), i), problem, subnet)
  })
  const port = int(o.port, f('port'), r, UINT32)
  if (port !== undefined && port !== 0 && port > 65535) r.error('MD0111', f('port'), 'must be a port number from 1 to 65535', port)
  checkLabels(strMap(o.sourceLabels, f('sourceLabels'), r), f('sourceLabels'), r)
  str(o.sourceNamespace, f('sourceNamespace'), r)
  checkGatewayNames(strList(o.gateways, f('gateways'), r), f('gateways'), r)
  return o
}
