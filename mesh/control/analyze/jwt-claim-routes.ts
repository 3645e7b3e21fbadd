/**
 * Routing on JWT claims (`@request.auth.claims.<name>` header matches) needs a RequestAuthentication on the
 * gateway's Pods to validate the token and expose its claims (Istio's JWTClaimRouteAnalyzer, IST0149, an
 * Error). meshdojo does not simulate RequestAuthentication (MD0003), so no gateway Pod ever has one: every
 * claim route of a VirtualService bound to an existing Gateway is reported once per Pod that Gateway selects.
 * Mesh-bound claim routes are a validation Error already (MD0107).
 */

import { isJwtClaimRoute } from '../parse/http-match.ts'
import { MESH_GATEWAY, resolveGatewayRef } from '../parse/gateway-names.ts'
import { at } from '../parse/reporter.ts'
import type { Diagnostic } from '../types.ts'
import { selects, type Cluster } from './cluster.ts'
import { diagnosticFor } from './diagnostic-for.ts'
import { listAt, objectAt, type GatewayView, type VirtualServiceView } from './views.ts'

export function checkJwtClaimRoutes(vss: readonly VirtualServiceView[], gateways: readonly GatewayView[], cluster: Cluster): Diagnostic[] {
  const byName = new Map<string, GatewayView>()
  for (const g of gateways) {
    const key = `${g.resource.meta.namespace}/${g.resource.meta.name}`
    if (!byName.has(key)) byName.set(key, g)
  }
  const out: Diagnostic[] = []
  for (const vs of vss) {
    const claim = firstClaimRoute(vs.http)
    if (claim === undefined) continue
    for (const ref of vs.gateways) {
      if (ref === MESH_GATEWAY) continue
      const { namespace, name } = resolveGatewayRef(ref, vs.resource.meta.namespace)
      const gw = byName.get(`${namespace}/${name}`)
      if (gw === undefined) continue // IST0101 already says so
      for (const pod of cluster.pods) {
        if (!selects(gw.selector, pod.labels)) continue
        out.push(diagnosticFor(vs.resource, 'Error', 'IST0149', claim.field,
          `The virtual service uses the JWT claim based routing (key: ${claim.key}) but found no request authentication for the gateway (${namespace}/${name}) pod (${pod.name}). The request authentication must first be applied for the gateway pods to validate the JWT token and make the claims available for routing.`))
      }
    }
  }
  return out
}

/** The first `headers` or `withoutHeaders` key of any http match that routes on a JWT claim, and where it is. */
function firstClaimRoute(http: readonly unknown[]): { key: string; field: string } | undefined {
  for (const [i, route] of http.entries()) {
    for (const [j, match] of listAt(route, 'match').entries()) {
      for (const which of ['headers', 'withoutHeaders'] as const) {
        const key = Object.keys(objectAt(match, which)).find(isJwtClaimRoute)
        if (key !== undefined) return { key, field: at(at(`spec.http[${i}].match[${j}]`, which), key) }
      }
    }
  }
  return undefined
}
