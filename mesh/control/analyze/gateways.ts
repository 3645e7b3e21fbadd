/**
 * Gateway references of VirtualServices: the Gateway must exist (IST0101, an Error: the VirtualService would
 * route nothing) and should serve at least one of the VirtualService's hosts (IST0132).
 */

import { resolveGatewayRef, MESH_GATEWAY } from '../parse/gateway-names.ts'
import { hostsOverlap } from '../hosts.ts'
import type { Diagnostic, Gateway, VirtualService } from '../types.ts'
import { diagnosticFor, fullName } from './diagnostic-for.ts'

export function checkGatewayRefs(vss: readonly VirtualService[], gateways: readonly Gateway[]): Diagnostic[] {
  const out: Diagnostic[] = []
  for (const vs of vss) {
    vs.spec.gateways.forEach((ref, i) => {
      if (ref === MESH_GATEWAY) return
      const { namespace, name } = resolveGatewayRef(ref, vs.meta.namespace)
      const gw = gateways.find((g) => g.meta.namespace === namespace && g.meta.name === name)
      const field = `spec.gateways[${i}]`
      if (gw === undefined) {
        out.push(diagnosticFor(vs, 'Error', 'IST0101', field, `Referenced gateway not found: "${ref}"`))
        return
      }
      if (!vs.spec.hosts.some((h) => serverHosts(gw, vs.meta.namespace).some((s) => hostsOverlap(s, h)))) {
        out.push(diagnosticFor(vs, 'Warning', 'IST0132', field,
          `one or more host [${vs.spec.hosts.join(' ')}] defined in VirtualService ${fullName(vs)} not found in Gateway ${fullName(gw)}.`))
      }
    })
  }
  return out
}

/** The Gateway's server hosts visible to a VirtualService in `vsNamespace` (`ns/host` entries filter by namespace). */
function serverHosts(gw: Gateway, vsNamespace: string): string[] {
  const out: string[] = []
  for (const server of gw.spec.servers) {
    for (const h of server.hosts) {
      const slash = h.indexOf('/')
      if (slash < 0) {
        out.push(h)
        continue
      }
      const ns = h.slice(0, slash)
      const host = h.slice(slash + 1)
      const resolvedNs = ns === '.' ? gw.meta.namespace : ns
      if (resolvedNs === '*' || resolvedNs === vsNamespace) out.push(host)
    }
  }
  return out
}
