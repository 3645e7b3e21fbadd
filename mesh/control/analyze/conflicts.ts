/**
 * Resources that step on each other: two mesh VirtualServices for one host (IST0109: only one wins, which
 * one is undefined), two Gateways serving the same selector, port and host (IST0145), and several
 * DestinationRules for one host (MD0201: Istio merges them, oldest first). Each check groups resources by
 * a key in one pass, so it is linear in the number of resources, servers and hosts.
 */

import { toFqdn } from '../hosts.ts'
import { MESH_GATEWAY } from '../parse/gateway-names.ts'
import { stableStringify } from '../stable-json.ts'
import type { DestinationRule, Diagnostic, Gateway, IstioResource, VirtualService } from '../types.ts'
import { diagnosticFor, fullName } from './diagnostic-for.ts'

/** Resources named in one message; Istio names them all, which for hundreds makes each message huge. */
const MAX_NAMED = 10

/** `default/a,default/b` (sorted), or the first MAX_NAMED of them and how many more. */
export function nameList(resources: Iterable<IstioResource>): string {
  const names = [...resources].map(fullName).sort()
  return names.length <= MAX_NAMED ? names.join(',') : `${names.slice(0, MAX_NAMED).join(',')} and ${names.length - MAX_NAMED} more`
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key)
  if (list === undefined) map.set(key, [value])
  else list.push(value)
}

export function checkMeshHostConflicts(vss: readonly VirtualService[]): Diagnostic[] {
  const byHost = new Map<string, VirtualService[]>()
  for (const vs of vss) {
    if (!vs.spec.gateways.includes(MESH_GATEWAY)) continue
    for (const host of new Set(vs.spec.hosts.map((h) => toFqdn(h, vs.meta.namespace)))) push(byHost, host, vs)
  }
  const out: Diagnostic[] = []
  const reported = new Set<VirtualService>()
  for (const [host, list] of byHost) {
    if (list.length < 2) continue
    const names = nameList(list)
    for (const vs of list) {
      if (reported.has(vs)) continue
      reported.add(vs)
      out.push(diagnosticFor(vs, 'Warning', 'IST0109', 'spec.hosts',
        `The VirtualServices ${names} associated with mesh gateway define the same host ${host} which can lead to undefined behavior. This can be fixed by merging the conflicting VirtualServices into a single resource.`))
    }
  }
  return out
}

/**
 * Two Gateways conflict on a server when they share the workload selector, the port and a host (as written).
 * Bounded even when hundreds of Gateways share one listener: a server with one host (the usual case) gets
 * the exact count from a sorted list computed once per listener; a server with several hosts collects the
 * other Gateways only until it has more than it names.
 */
export function checkGatewayConflicts(gateways: readonly Gateway[]): Diagnostic[] {
  const selectors = new Map<Gateway, string>(gateways.map((gw) => [gw, stableStringify(gw.spec.selector)]))
  const listenerKey = (gw: Gateway, port: number, host: string) => JSON.stringify([selectors.get(gw), port, host])
  const byListener = new Map<string, Gateway[]>() // the gateways serving a selector, port and host, once each
  for (const gw of gateways) {
    for (const server of gw.spec.servers) {
      for (const host of server.hosts) {
        const key = listenerKey(gw, server.port.number, host)
        if (byListener.get(key)?.at(-1) !== gw) push(byListener, key, gw)
      }
    }
  }
  const sorted = new Map<Gateway[], Gateway[]>()
  const sortedOnce = (list: Gateway[]) => {
    let out = sorted.get(list)
    if (out === undefined) sorted.set(list, (out = [...list].sort((a, b) => (fullName(a) < fullName(b) ? -1 : fullName(a) > fullName(b) ? 1 : 0))))
    return out
  }
  const out: Diagnostic[] = []
  for (const gw of gateways) {
    for (const server of gw.spec.servers) {
      const lists = [...new Set(server.hosts)].map((h) => byListener.get(listenerKey(gw, server.port.number, h))!)
      let names: string
      if (lists.length === 1) {
        const list = lists[0]!
        if (list.length < 2) continue
        const first: Gateway[] = []
        for (const other of sortedOnce(list)) {
          if (other !== gw) first.push(other)
          if (first.length === MAX_NAMED) break
        }
        const more = list.length - 1 - first.length
        names = `${first.map(fullName).join(',')}${more > 0 ? ` and ${more} more` : ''}`
      } else {
        const others = new Set<Gateway>()
        let truncated = false
        for (const list of lists) {
          for (const other of list) {
            if (other === gw) continue
            if (others.size === MAX_NAMED && !others.has(other)) truncated = true
            else others.add(other)
            if (truncated) break
          }
          if (truncated) break
        }
        if (others.size === 0) continue
        names = `${[...others].map(fullName).sort().join(',')}${truncated ? ' and more' : ''}`
      }
      const labels = Object.entries(gw.spec.selector).map(([k, v]) => `${k}=${v}`).join(',')
      out.push(diagnosticFor(gw, 'Warning', 'IST0145', 'spec.servers',
        `Conflict with gateways ${names} (workload selector ${labels}, port ${server.port.number}, hosts ${server.hosts.join(',')}).`))
    }
  }
  return out
}

export function checkDestinationRuleMerges(drs: readonly DestinationRule[]): Diagnostic[] {
  const byHost = new Map<string, DestinationRule[]>()
  for (const dr of drs) push(byHost, toFqdn(dr.spec.host, dr.meta.namespace), dr)
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
