/**
 * Resources that step on each other: two mesh VirtualServices for one host that see each other (IST0109: only
 * one wins, which one is undefined), two Gateways serving the same selector, port and host (IST0145), and several
 * DestinationRules for one host (MD0201: Istio merges them, oldest first). Each check groups resources by a key
 * in one pass, so it is linear in the number of resources, servers and hosts. Both IST codes are Errors, as in
 * Istio: an apply that would create the conflict is rejected.
 */

import { HostIndex } from '../host-index.ts'
import { hostMatches, toFqdn } from '../hosts.ts'
import { MESH_GATEWAY } from '../parse/gateway-names.ts'
import { stableStringify } from '../stable-json.ts'
import type { Diagnostic } from '../types.ts'
import { diagnosticFor, fullName } from './diagnostic-for.ts'
import { selectorString } from './cluster.ts'
import type { AnalyzedResource, DestinationRuleView, GatewayView, ServerView, VirtualServiceView } from './views.ts'

/** Resources named in one message; Istio names them all, which for hundreds makes each message huge. */
const MAX_NAMED = 10

/** `default/a,default/b` (sorted), or the first MAX_NAMED of them and how many more. */
export function nameList(resources: Iterable<AnalyzedResource>): string {
  const names = [...new Set(resources)].map(fullName).sort()
  return names.length <= MAX_NAMED ? names.join(',') : `${names.slice(0, MAX_NAMED).join(',')} and ${names.length - MAX_NAMED} more`
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key)
  if (list === undefined) map.set(key, [value])
  else list.push(value)
}

/** The VirtualServices of one host (an FQDN, or a wildcard as written) as seen from one scope. */
interface ScopedHost {
  /** `*`: exported to every namespace; otherwise the one namespace that sees them. */
  readonly scope: string
  readonly host: string
  readonly list: AnalyzedResource[]
}

/**
 * Istio's ConflictingMeshGatewayHostsAnalyzer. A mesh VirtualService is visible in the namespaces of its
 * `exportTo` (`.` is its own; none or `*` means all). Two conflict when one scope holds the same host twice,
 * or when a host of a namespace scope overlaps (wildcards included) a host exported to all: `*.productpage.d`
 * exported to `.` meets `*.d` exported to `*`. Hosts exported to all conflict only when equal, as in Istio.
 */
export function checkMeshHostConflicts(vss: readonly VirtualServiceView[]): Diagnostic[] {
  const byKey = new Map<string, ScopedHost>()
  for (const vs of vss) {
    if (!vs.gateways.includes(MESH_GATEWAY)) continue
    const namespace = vs.resource.meta.namespace
    const scopes = vs.exportTo.length === 0 || vs.exportTo.includes('*') ? ['*'] : [...new Set(vs.exportTo.map((e) => (e === '.' ? namespace : e)))]
    for (const scope of scopes) {
      for (const host of new Set(vs.hosts.map((h) => toFqdn(h, namespace)))) {
        const key = JSON.stringify([scope, host])
        const entry = byKey.get(key)
        if (entry === undefined) byKey.set(key, { scope, host, list: [vs.resource] })
        else entry.list.push(vs.resource)
      }
    }
  }
  const exportedToAll = [...byKey.values()].filter((e) => e.scope === '*')
  const allIndex = new HostIndex<ScopedHost[]>()
  const sameHost = new Map<string, ScopedHost[]>()
  for (const e of exportedToAll) push(sameHost, e.host.toLowerCase(), e)
  for (const [host, entries] of sameHost) allIndex.add(host, entries)
  /** The VirtualServices exported to all whose host overlaps `host`: covering it through the index, or (for a wildcard) covered by it. */
  const overlapping = (host: string): AnalyzedResource[] => {
    const out = allIndex.covering(host).flat()
    if (host.startsWith('*')) for (const e of exportedToAll) if (hostMatches(host, e.host) && !hostMatches(e.host, host)) out.push(e)
    return out.flatMap((e) => e.list)
  }
  const out: Diagnostic[] = []
  const reported = new Set<AnalyzedResource>()
  for (const { scope, host, list } of byKey.values()) {
    const conflicting = scope === '*' ? list : [...list, ...overlapping(host)]
    if (new Set(conflicting).size < 2) continue
    const names = nameList(conflicting)
    const seenFrom = scope === '*' ? '' : ` (as seen from namespace ${scope})`
    for (const vs of conflicting) {
      if (reported.has(vs)) continue
      reported.add(vs)
      out.push(diagnosticFor(vs, 'Error', 'IST0109', 'spec.hosts',
        `The VirtualServices ${names} associated with mesh gateway define the same host ${host}${seenFrom} which can lead to undefined behavior. This can be fixed by merging the conflicting VirtualServices into a single resource.`))
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
export function checkGatewayConflicts(gateways: readonly GatewayView[]): Diagnostic[] {
  const selectors = new Map<GatewayView, string>(gateways.map((gw) => [gw, stableStringify(gw.selector)]))
  // A server's bind address is part of its listener: the same host on another bind is not a conflict.
  const listenerKey = (gw: GatewayView, server: ServerView, host: string) => JSON.stringify([selectors.get(gw), server.port, server.bind ?? '', host])
  const byListener = new Map<string, GatewayView[]>() // the gateways serving a selector, port and host, once each
  for (const gw of gateways) {
    for (const server of gw.servers) {
      if (server.port === undefined) continue // no port: a validation Error, and no listener to share
      for (const host of server.hosts) {
        const key = listenerKey(gw, server, host)
        if (byListener.get(key)?.at(-1) !== gw) push(byListener, key, gw)
      }
    }
  }
  const name = (gw: GatewayView) => fullName(gw.resource)
  const sorted = new Map<GatewayView[], GatewayView[]>()
  const sortedOnce = (list: GatewayView[]) => {
    let out = sorted.get(list)
    if (out === undefined) sorted.set(list, (out = [...list].sort((a, b) => (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0))))
    return out
  }
  const out: Diagnostic[] = []
  for (const gw of gateways) {
    for (const server of gw.servers) {
      if (server.port === undefined) continue
      const lists = [...new Set(server.hosts)].map((h) => byListener.get(listenerKey(gw, server, h))!)
      let names: string
      if (lists.length === 1) {
        const list = lists[0]!
        if (list.length < 2) continue
        const first: GatewayView[] = []
        for (const other of sortedOnce(list)) {
          if (other !== gw) first.push(other)
          if (first.length === MAX_NAMED) break
        }
        const more = list.length - 1 - first.length
        names = `${first.map(name).join(',')}${more > 0 ? ` and ${more} more` : ''}`
      } else {
        const others = new Set<GatewayView>()
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
        names = `${[...others].map(name).sort().join(',')}${truncated ? ' and more' : ''}`
      }
      out.push(diagnosticFor(gw.resource, 'Error', 'IST0145', `spec.servers[${server.index}]`,
        `Conflict with gateways ${names} (workload selector ${selectorString(gw.selector)}, port ${server.port}, hosts ${server.hosts.join(',')}).`))
    }
  }
  return out
}

export function checkDestinationRuleMerges(drs: readonly DestinationRuleView[]): Diagnostic[] {
  const byHost = new Map<string, AnalyzedResource[]>()
  for (const dr of drs) if (dr.host !== undefined) push(byHost, toFqdn(dr.host, dr.resource.meta.namespace), dr.resource)
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
