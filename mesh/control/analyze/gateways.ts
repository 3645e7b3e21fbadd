/**
 * Gateway references of VirtualServices: the Gateway must exist (IST0101, an Error: the VirtualService would
 * route nothing) and should serve at least one of the VirtualService's hosts (IST0132).
 */

import { anyOverlap } from '../host-index.ts'
import { resolveGatewayRef, MESH_GATEWAY } from '../parse/gateway-names.ts'
import type { Diagnostic, Gateway, VirtualService } from '../types.ts'
import { diagnosticFor, fullName } from './diagnostic-for.ts'

export function checkGatewayRefs(vss: readonly VirtualService[], gateways: readonly Gateway[]): Diagnostic[] {
  const byName = new Map<string, Gateway>()
  for (const g of gateways) {
    const key = `${g.meta.namespace}/${g.meta.name}`
    if (!byName.has(key)) byName.set(key, g)
  }
  /** Server hosts per gateway and VirtualService namespace, computed once each. */
  const visible = new Map<Gateway, Map<string, string[]>>()
  const hostsFor = (gw: Gateway, namespace: string): string[] => {
    let perNamespace = visible.get(gw)
    if (perNamespace === undefined) visible.set(gw, (perNamespace = new Map()))
    let hosts = perNamespace.get(namespace)
    if (hosts === undefined) perNamespace.set(namespace, (hosts = serverHosts(gw, namespace)))
    return hosts
  }
  const out: Diagnostic[] = []
  for (const vs of vss) {
    vs.spec.gateways.forEach((ref, i) => {
      if (ref === MESH_GATEWAY) return
      const { namespace, name } = resolveGatewayRef(ref, vs.meta.namespace)
      const gw = byName.get(`${namespace}/${name}`)
      const field = `spec.gateways[${i}]`
      if (gw === undefined) {
        out.push(diagnosticFor(vs, 'Error', 'IST0101', field, `Referenced gateway not found: "${ref}"`))
        return
      }
      if (!anyOverlap(hostsFor(gw, vs.meta.namespace), vs.spec.hosts)) {
        out.push(diagnosticFor(vs, 'Warning', 'IST0132', field,
          `one or more host [${hostList(vs.spec.hosts)}] defined in VirtualService ${fullName(vs)} not found in Gateway ${fullName(gw)}.`))
      }
    })
  }
  return out
}

/** Istio lists every host; past a few dozen the message only needs to say how many more. */
function hostList(hosts: readonly string[]): string {
  const shown = 20
  return hosts.length <= shown ? hosts.join(' ') : `${hosts.slice(0, shown).join(' ')} and ${hosts.length - shown} more`
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
