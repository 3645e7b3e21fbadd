/**
 * VirtualService delegation as istiod resolves it before building any proxy's routes
 * (pilot/pkg/model/virtualservice_controller.go `mergeVirtualServices`, virtualservice.go `MergeHTTPRoutes`):
 * a root VirtualService (with hosts) whose `http[i]` names a delegate (a VirtualService without hosts) gets
 * that delegate's routes in place of `http[i]`, each with the root route's match merged into its own and the
 * root route's settings filling what it leaves unset. Delegates themselves are not routes of any proxy.
 *
 * The result is what proxies route by (sidecar/route-table.ts) and what summaries and analyzers should read.
 */

import { toFqdn } from './hosts.ts'
import type { HTTPMatchRequest, HTTPMirror, HTTPRoute, HTTPRouteDestination, NamedMatch, StringMatch, VirtualService } from './types.ts'

/** A VirtualService by name and namespace. */
export interface VirtualServiceRef {
  readonly name: string
  readonly namespace: string
}

/** Why (part of) a delegating route was dropped; Istio only logs these (istiod warnings). */
export type DelegationIssue =
  /** No VirtualService without hosts has that name and namespace: the root's route is skipped. */
  | { readonly kind: 'not-found'; readonly root: VirtualServiceRef; readonly route: number; readonly delegate: VirtualServiceRef }
  /** The delegate's exportTo leaves out the root's namespace: the root's route is skipped. */
  | { readonly kind: 'not-exported'; readonly root: VirtualServiceRef; readonly route: number; readonly delegate: VirtualServiceRef }
  /** A match of the delegate's route `delegateRoute` fits no match of the root's route: that delegate route is dropped. */
  | { readonly kind: 'match-conflict'; readonly root: VirtualServiceRef; readonly route: number; readonly delegate: VirtualServiceRef; readonly delegateRoute: number }

export interface Delegation {
  /**
   * Every VirtualService with hosts, in the given order, routes merged where they delegate; the same object when
   * a VirtualService does not delegate. Delegates (no hosts) are left out: no proxy uses them directly.
   */
  readonly virtualServices: readonly VirtualService[]
  readonly issues: readonly DelegationIssue[]
}

/** The VirtualServices proxies route by: `resolveDelegation(vss).virtualServices`. */
export function effectiveVirtualServices(vss: readonly VirtualService[]): readonly VirtualService[] {
  return resolveDelegation(vss).virtualServices
}

export function resolveDelegation(vss: readonly VirtualService[]): Delegation {
  const delegates = new Map<string, VirtualService>()
  for (const vs of vss) if (vs.spec.hosts.length === 0) delegates.set(refKey(vs.meta), vs)
  const issues: DelegationIssue[] = []
  const virtualServices: VirtualService[] = []
  for (const vs of vss) {
    if (vs.spec.hosts.length === 0) continue
    if (!vs.spec.http.some((r) => r.delegate !== undefined)) {
      virtualServices.push(vs)
      continue
    }
    const root: VirtualServiceRef = { name: vs.meta.name, namespace: vs.meta.namespace }
    const http: HTTPRoute[] = []
    vs.spec.http.forEach((route, index) => {
      if (route.delegate === undefined) {
        http.push(route)
        return
      }
      const ref: VirtualServiceRef = { name: route.delegate.name, namespace: route.delegate.namespace ?? vs.meta.namespace }
      const found = delegates.get(refKey(ref))
      if (found === undefined) {
        issues.push({ kind: 'not-found', root, route: index, delegate: ref })
        return
      }
      if (!exportedTo(found, vs.meta.namespace)) {
        issues.push({ kind: 'not-exported', root, route: index, delegate: ref })
        return
      }
      found.spec.http.forEach((sub, subIndex) => {
        const merged = mergeHTTPRoute(route, vs.meta.namespace, sub, ref)
        if (merged === undefined) issues.push({ kind: 'match-conflict', root, route: index, delegate: ref, delegateRoute: subIndex })
        else http.push(merged)
      })
    })
    virtualServices.push(Object.freeze({ ...vs, spec: Object.freeze({ ...vs.spec, http: Object.freeze(http) }) }))
  }
  return { virtualServices: Object.freeze(virtualServices), issues: Object.freeze(issues) }
}

const refKey = (r: VirtualServiceRef) => `${r.namespace}/${r.name}`

/** A delegate without exportTo is visible everywhere (Istio's default `defaultVirtualServiceExportTo: ["*"]`). */
function exportedTo(delegate: VirtualService, namespace: string): boolean {
  const to = delegate.spec.exportTo ?? []
  return to.length === 0 || to.includes('*') || to.includes(namespace)
}

/**
 * One delegate route merged with the root route (of a VirtualService in `rootNamespace`) that delegates to it
 * (Istio's mergeHTTPRoute), or undefined when their matches conflict. `from` is the delegate. Names are resolved
 * first, as istiod does: match gateways to `ns/name`, the delegate's destination hosts to FQDNs in its own
 * namespace, so the merged route can sit in the root's VirtualService.
 */
export function mergeHTTPRoute(root: HTTPRoute, rootNamespace: string, sub: HTTPRoute, from: VirtualServiceRef): HTTPRoute | undefined {
  const match = mergeMatches(root.match.map((m) => inNamespace(m, rootNamespace)), sub.match.map((m) => inNamespace(m, from.namespace)))
  if (match === undefined) return undefined
  const name = joinNames(root.name, sub.name)
  // Every setting the delegate route leaves unset comes from the root route (redirect and route cannot be there).
  const merged: HTTPRoute = {
    ...(name === undefined ? {} : { name }),
    match,
    route: sub.route.map((d) => resolveDestination(d, from.namespace)),
    ...pick({ redirect: sub.redirect }),
    ...pick({ directResponse: sub.directResponse ?? root.directResponse }),
    ...pick({ rewrite: sub.rewrite ?? root.rewrite }),
    ...pick({ timeoutMs: sub.timeoutMs ?? root.timeoutMs }),
    ...pick({ retries: sub.retries ?? root.retries }),
    ...pick({ fault: sub.fault ?? root.fault }),
    // Istio inherits mirror, mirrorPercentage and mirrors one by one; here they are one list, inherited whole.
    mirrors: sub.mirrors.length > 0 ? sub.mirrors.map((m) => resolveMirror(m, from.namespace)) : root.mirrors,
    ...pick({ corsPolicy: sub.corsPolicy ?? root.corsPolicy }),
    ...pick({ headers: sub.headers ?? root.headers }),
    delegatedFrom: Object.freeze({ name: from.name, namespace: from.namespace }),
  }
  return Object.freeze(merged)
}

/** Drops the keys whose value is undefined (specs never hold `key: undefined`). */
function pick<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}

/** Istio's name joining for routes and matches: `root-delegate`, or whichever of the two is set. */
function joinNames(root: string | undefined, sub: string | undefined): string | undefined {
  if (!sub) return root || undefined
  return root ? `${root}-${sub}` : sub
}

/**
 * The root's matches and a delegate route's (Istio's mergeHTTPMatchRequests): each delegate match is merged
 * with every root match it does not conflict with, in that order. Undefined (the delegate route is dropped)
 * when some delegate match fits no root match. An empty side takes the other side's matches as they are.
 * Gateway names on both sides must already be in one form (mergeHTTPRoute resolves them to `ns/name`).
 */
export function mergeMatches(root: readonly HTTPMatchRequest[], sub: readonly HTTPMatchRequest[]): readonly HTTPMatchRequest[] | undefined {
  if (root.length === 0) return sub
  if (sub.length === 0) return root
  const out: HTTPMatchRequest[] = []
  for (const leaf of sub) {
    const fits = root.filter((r) => !matchConflict(r, leaf))
    if (fits.length === 0) return undefined
    for (const r of fits) out.push(mergeMatch(r, leaf))
  }
  return Object.freeze(out)
}

/** One root match and one delegate match, ANDed; the delegate's value wins where both set one (Istio's mergeHTTPMatchRequest). */
export function mergeMatch(root: HTTPMatchRequest, leaf: HTTPMatchRequest): HTTPMatchRequest {
  const name = joinNames(root.name, leaf.name)
  const sourceLabels = { ...root.sourceLabels, ...leaf.sourceLabels }
  const sourceNamespace = leaf.sourceNamespace ?? root.sourceNamespace
  const gateways = leaf.gateways ?? root.gateways
  return Object.freeze({
    ...pick({ name }),
    ...pick({ uri: leaf.uri ?? root.uri }),
    ...pick({ scheme: leaf.scheme ?? root.scheme }),
    ...pick({ method: leaf.method ?? root.method }),
    ...pick({ authority: leaf.authority ?? root.authority }),
    headers: mergeNamed(root.headers, leaf.headers),
    withoutHeaders: mergeNamed(root.withoutHeaders, leaf.withoutHeaders),
    queryParams: mergeNamed(root.queryParams, leaf.queryParams),
    ignoreUriCase: leaf.ignoreUriCase, // equal to the root's, or they conflict
    ...pick({ port: leaf.port ?? root.port }),
    ...(Object.keys(sourceLabels).length === 0 ? {} : { sourceLabels: Object.freeze(sourceLabels) }),
    ...pick({ sourceNamespace }),
    ...pick({ gateways }),
  })
}

/** Root entries first, a delegate entry replacing the root's of the same name (Go's maps.MergeCopy). */
function mergeNamed(root: readonly NamedMatch[], leaf: readonly NamedMatch[]): readonly NamedMatch[] {
  if (leaf.length === 0) return root
  if (root.length === 0) return leaf
  const names = new Set(leaf.map((m) => m.name))
  return Object.freeze([...root.filter((m) => !names.has(m.name)), ...leaf])
}

/**
 * Whether a delegate match cannot be narrowed from a root match (Istio's hasConflict): a string match the two
 * set differently (see stringMatchConflict), a different ignoreUriCase or port, a root sourceNamespace the
 * delegate does not repeat, a source label with another value, or delegate gateways the root does not list.
 */
export function matchConflict(root: HTTPMatchRequest, leaf: HTTPMatchRequest): boolean {
  if (stringMatchConflict(root.uri, leaf.uri) || stringMatchConflict(root.scheme, leaf.scheme)) return true
  if (stringMatchConflict(root.method, leaf.method) || stringMatchConflict(root.authority, leaf.authority)) return true
  const namedConflict = (rootList: readonly NamedMatch[], leafList: readonly NamedMatch[]) =>
    leafList.some((l) => stringMatchConflict(rootList.find((r) => r.name === l.name)?.match, l.match))
  if (namedConflict(root.headers, leaf.headers) || namedConflict(root.withoutHeaders, leaf.withoutHeaders)) return true
  if (namedConflict(root.queryParams, leaf.queryParams)) return true
  if (root.ignoreUriCase !== leaf.ignoreUriCase) return true
  if (root.port !== undefined && leaf.port !== undefined && root.port !== leaf.port) return true
  if (root.sourceNamespace !== undefined && leaf.sourceNamespace !== root.sourceNamespace) return true
  for (const [key, value] of Object.entries(leaf.sourceLabels ?? {})) {
    const rootValue = root.sourceLabels?.[key]
    if (rootValue !== undefined && rootValue !== value) return true
  }
  if (root.gateways?.length && leaf.gateways?.length) {
    if (root.gateways.length < leaf.gateways.length) return true
    if (leaf.gateways.some((g) => !root.gateways!.includes(g))) return true
  }
  return false
}

/**
 * Istio's stringMatchConflict: no conflict when either side sets nothing. Otherwise the delegate must narrow the
 * root: the same exact value, or an exact or prefix value under the root's prefix. Anything else conflicts:
 * a regex on either side, a presence match (`{}`), an empty value.
 */
export function stringMatchConflict(root: StringMatch | undefined, leaf: StringMatch | undefined): boolean {
  if (root === undefined || leaf === undefined) return false
  const value = (m: StringMatch, kind: 'exact' | 'prefix') => (m.kind === kind ? m.value : '')
  const rootExact = value(root, 'exact')
  if (rootExact !== '') return value(leaf, 'prefix') !== '' || value(leaf, 'exact') !== rootExact
  const rootPrefix = value(root, 'prefix')
  if (rootPrefix !== '') {
    const narrower = value(leaf, 'prefix') || value(leaf, 'exact')
    return narrower === '' || !narrower.startsWith(rootPrefix)
  }
  return true
}

/** A match with its gateway names in `namespace/name` form, resolved in the namespace of its VirtualService. */
function inNamespace(m: HTTPMatchRequest, namespace: string): HTTPMatchRequest {
  if (m.gateways === undefined) return m
  return Object.freeze({ ...m, gateways: Object.freeze(m.gateways.map((g) => resolveGatewayName(g, namespace))) })
}

/**
 * Istio's resolveGatewayName: `mesh` stays, `ns/name` stays (`./name` is this namespace), a bare name is in
 * this namespace, and the old `name.ns[.svc…]` form becomes `ns/name`.
 */
export function resolveGatewayName(gateway: string, namespace: string): string {
  if (gateway === 'mesh') return gateway
  const slash = gateway.indexOf('/')
  if (slash >= 0) return gateway.startsWith('./') ? `${namespace}/${gateway.slice(2)}` : gateway
  const dot = gateway.indexOf('.')
  if (dot < 0) return `${namespace}/${gateway}`
  const rest = gateway.slice(dot + 1)
  return `${rest.split('.')[0]}/${gateway.slice(0, dot)}`
}

function resolveDestination(d: HTTPRouteDestination, namespace: string): HTTPRouteDestination {
  const host = toFqdn(d.destination.host, namespace)
  if (host === d.destination.host) return d
  return Object.freeze({ ...d, destination: Object.freeze({ ...d.destination, host }) })
}

function resolveMirror(m: HTTPMirror, namespace: string): HTTPMirror {
  const host = toFqdn(m.destination.host, namespace)
  if (host === m.destination.host) return m
  return Object.freeze({ ...m, destination: Object.freeze({ ...m.destination, host }) })
}
