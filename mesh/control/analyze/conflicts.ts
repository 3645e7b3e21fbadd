/**
 * Resources that step on each other: two mesh VirtualServices for one host (IST0109: only one wins, which
 * one is undefined), two Gateways serving the same selector, port and host (IST0145), and several
 * DestinationRules for one host (MD0201: Istio merges them, oldest first).
 */

import { toFqdn } from '../hosts.ts'
import { MESH_GATEWAY } from '../parse/gateway-names.ts'
import { stableStringify } from '../stable-json.ts'
import type { DestinationRule, Diagnostic, Gateway, VirtualService } from '../types.ts'
import { diagnosticFor, fullName } from './diagnostic-for.ts'

export function checkMeshHostConflicts(vss: readonly VirtualService[]): Diagnostic[] {
  const byHost = new Map<string, VirtualService[]>()
  for (const vs of vss) {
    if (!vs.spec.gateways.includes(MESH_GATEWAY)) continue
    for (const host of new Set(vs.spec.hosts.map((h) => toFqdn(h, vs.meta.namespace)))) {
      byHost.set(host, [...(byHost.get(host) ?? []), vs])
    }
  }
  const out: Diagnostic[] = []
  const reported = new Set<VirtualService>()
  for (const [host, list] of byHost) {
    if (list.length < 2) continue
    const names = list.map(fullName).sort().join(',')
    for (const vs of list) {
      if (reported.has(vs)) continue
      reported.add(vs)
      out.push(diagnosticFor(vs, 'Warning', 'IST0109', 'spec.hosts',
        `The VirtualServices ${names} associated with mesh gateway define the same host ${host} which can lead to undefined behavior. This can be fixed by merging the conflicting VirtualServices into a single resource.`))
    }
  }
  return out
}

export function checkGatewayConflicts(gateways: readonly Gateway[]): Diagnostic[] {
  const out: Diagnostic[] = []
  for (const gw of gateways) {
    const selector = stableStringify(gw.spec.selector)
    for (const server of gw.spec.servers) {
      const others = gateways.filter((o) => o !== gw && stableStringify(o.spec.selector) === selector && o.spec.servers.some(
        (s) => s.port.number === server.port.number && s.hosts.some((h) => server.hosts.includes(h))))
      if (others.length === 0) continue
      const labels = Object.entries(gw.spec.selector).map(([k, v]) => `${k}=${v}`).join(',')
      out.push(diagnosticFor(gw, 'Warning', 'IST0145', 'spec.servers',
        `Conflict with gateways ${others.map(fullName).sort().join(',')} (workload selector ${labels}, port ${server.port.number}, hosts ${server.hosts.join(',')}).`))
    }
  }
  return out
}

export function checkDestinationRuleMerges(drs: readonly DestinationRule[]): Diagnostic[] {
  const byHost = new Map<string, DestinationRule[]>()
  for (const dr of drs) {
    const host = toFqdn(dr.spec.host, dr.meta.namespace)
    byHost.set(host, [...(byHost.get(host) ?? []), dr])
  }
  const out: Diagnostic[] = []
  for (const [host, list] of byHost) {
    const [first, ...later] = list
    for (const dr of later) {
      out.push(diagnosticFor(dr, 'Warning', 'MD0201', 'spec.host',
        `DestinationRules ${fullName(first!)} and ${fullName(dr)} both configure host ${host}; Istio merges them: subsets are combined (a repeated subset name keeps the first definition) and only the oldest rule's top-level trafficPolicy applies`))
    }
  }
  return out
}
