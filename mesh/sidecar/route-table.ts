/**
 * Compiles one config snapshot into the routes one proxy uses (Envoy's RDS): for a sidecar, the
 * VirtualServices bound to `mesh` keyed by host, plus a default route for every known service; for
 * a gateway, the VirtualServices bound to Gateways that select it. Both use the VirtualServices with
 * delegation resolved (control/delegation.ts), as istiod hands them over. The virtual host is chosen as
 * Envoy does (exact domain, then the longest suffix wildcard, then `*`), the first matching route
 * wins, and a known host with no matching route answers 404 (NR).
 */
import type { Clock } from '../clock.ts'
import { compose, type Filter, type Handler, type MeshRequest, type MeshResponse } from '../filter.ts'
import type { RandomSource, Random } from '../random.ts'
import type { ServiceRegistry } from '../control/registry.ts'
import type { ConfigSnapshot, Destination, DestinationRule, HTTPMatchRequest, HTTPRoute, TrafficPolicyFields, VirtualService } from '../control/types.ts'
import { effectiveVirtualServices } from '../control/delegation.ts'
import { authorityToFqdn, hostMatches, toFqdn } from '../control/hosts.ts'
import { UpstreamFailure } from '../upstream-failure.ts'
import { compileMatch, type RequestPredicate } from '../filters/route-match.ts'
import { fault } from '../filters/fault.ts'
import { cors } from '../filters/cors.ts'
import { rewrite } from '../filters/rewrite.ts'
import { headerOps } from '../filters/header-ops.ts'
import { redirect, directResponse } from '../filters/redirect.ts'
import { weightedDestinations } from '../filters/weighted-destinations.ts'
import { mirror, type MirrorTarget } from '../filters/mirror.ts'
import { routeTimeout, perTryTimeout } from '../filters/timeout.ts'
import { retry, MESH_DEFAULT_RETRY } from '../filters/retry.ts'
import type { ClusterManager } from './cluster-manager.ts'
import type { ClusterKey, UpstreamCluster } from './cluster.ts'
import { clusterName } from './cluster.ts'
import { effectivePolicy } from './traffic-policy.ts'

/** Who is asking: config-time match fields (sourceLabels, gateways) are evaluated against this. */
export interface ProxyIdentity {
  readonly kind: 'sidecar' | 'gateway'
  readonly workload: string
  readonly namespace: string
  readonly labels: Readonly<Record<string, string>>
}

/** Random streams a proxy keeps across config pushes, so a seeded run draws one sequence. */
export interface RouteRandoms {
  readonly fault: Random
  readonly weights: Random
  readonly retry: Random
  readonly mirror: Random
}

export const routeRandoms = (source: RandomSource, proxy: string): RouteRandoms => ({
  fault: source.stream(`${proxy}/fault`),
  weights: source.stream(`${proxy}/weights`),
  retry: source.stream(`${proxy}/retry`),
  mirror: source.stream(`${proxy}/mirror`),
})

export interface RouteTableDeps {
  readonly clock: Clock
  readonly randoms: RouteRandoms
  readonly registry: ServiceRegistry
  readonly clusters: ClusterManager
  /** The port the gateway listens on (match `port` and redirects); sidecars use the service port. */
  readonly listenerPort?: number
}

interface RouteEntry {
  readonly matches: RequestPredicate
  readonly handler: Handler
}

interface VirtualHost {
  /** Host patterns (FQDN, `*.example.com` or `*`) this virtual host answers for. */
  readonly patterns: readonly string[]
  readonly port?: number
  readonly entries: readonly RouteEntry[]
}

/** The compiled table: call `route(req)` for every request; compile anew for every snapshot. */
export interface RouteTable {
  route(req: MeshRequest): Promise<MeshResponse>
}

export function compileRouteTable(snapshot: ConfigSnapshot, self: ProxyIdentity, deps: RouteTableDeps): RouteTable {
  const ctx = new CompileContext(snapshot, self, deps)
  // Delegates merged into their roots; delegates themselves (no hosts) are nobody's routes.
  const virtualServices = effectiveVirtualServices(snapshot.virtualServices)
  deps.clusters.begin()
  const hosts = self.kind === 'gateway' ? gatewayHosts(snapshot, virtualServices, self, ctx) : sidecarHosts(virtualServices, ctx)
  deps.clusters.commit()
  const exact = new Map<string, VirtualHost>()
  const wildcards: { suffix: string; vh: VirtualHost }[] = []
  for (const vh of hosts) {
    for (const pattern of vh.patterns) {
      const p = pattern.toLowerCase()
      if (p.startsWith('*')) wildcards.push({ suffix: p.slice(1), vh })
      else if (!exact.has(p)) exact.set(p, vh)
    }
  }
  // Envoy's order after the exact domains: the longest suffix first, `*` (the empty suffix) last;
  // a stable sort keeps the oldest VirtualService first among equal patterns. (Envoy's prefix
  // wildcards, `foo.*`, cannot come from Istio: a VirtualService host may only start with `*`.)
  wildcards.sort((a, b) => b.suffix.length - a.suffix.length)
  const wildcardFor = (fqdn: string) => wildcards.find((w) => fqdn.endsWith(w.suffix))?.vh
  // A sidecar answers for every known service; each service's default virtual host is made the
  // first time it is called (a sidecar calls few of the mesh's services: N² entries otherwise).
  const defaultHost = (fqdn: string): VirtualHost | undefined => {
    const service = self.kind === 'sidecar' ? deps.registry.service(fqdn) : undefined
    if (!service || service.fqdn !== fqdn) return undefined
    const vh: VirtualHost = { patterns: [fqdn], port: service.port, entries: [{ matches: always, handler: lazy(() => ctx.defaultRoute(fqdn)) }] }
    exact.set(fqdn, vh)
    return vh
  }
  const listenerPort = deps.listenerPort
  // Exact domains, then wildcards; a known service a wildcard VirtualService covers takes its routes
  // (Istio gives the service's virtual host that VirtualService's routes), others their default.
  const virtualHost = (fqdn: string) => exact.get(fqdn) ?? wildcardFor(fqdn) ?? defaultHost(fqdn)
  // A proxy sees few distinct authorities: resolve each, and its virtual host, once per table.
  // A host found no virtual host is looked up again: a service may be registered after this push.
  const resolved = new Map<string, { fqdn: string; port: number | undefined; vh: VirtualHost | undefined }>()
  const resolve = (authority: string) => {
    let r = resolved.get(authority)
    if (!r) {
      if (resolved.size >= MAX_RESOLVED_AUTHORITIES) resolved.clear()
      r = { fqdn: authorityToFqdn(authority), port: portOf(authority), vh: undefined }
      resolved.set(authority, r)
    }
    r.vh ??= virtualHost(r.fqdn)
    return r
  }
  return {
    route(req) {
      const authority = resolve(req.authority)
      const fqdn = authority.fqdn
      const vh = authority.vh
      if (!vh) return Promise.reject(new UpstreamFailure('no-route'))
      // Envoy knows the destination when the route matches, before any filter (a fault) answers.
      if (self.kind === 'sidecar') req.info.destinationService = fqdn
      const port = listenerPort ?? authority.port ?? vh.port ?? 80
      for (const entry of vh.entries) if (entry.matches(req, port)) return entry.handler(req)
      return Promise.reject(new UpstreamFailure('no-route'))
    },
  }
}

const always = () => true

/** Callers can send any Host header: the memo of resolved authorities starts over past this many. */
const MAX_RESOLVED_AUTHORITIES = 1024

function sidecarHosts(virtualServices: readonly VirtualService[], ctx: CompileContext): VirtualHost[] {
  const claimed = new Set<string>()
  const hosts: VirtualHost[] = []
  // The oldest VirtualService for a host wins (Istio ignores later conflicting ones; analyze warns).
  for (const vs of virtualServices) {
    const patterns = vs.spec.hosts.map((h) => toFqdn(h, vs.meta.namespace)).filter((h) => !claimed.has(h))
    if (patterns.length === 0) continue
    const entries = ctx.entriesFor(vs, ['mesh'])
    // No route for this proxy (all skipped by sourceLabels, or every route delegated to a delegate that is
    // missing): Istio builds no virtual host from it, so its services keep their default route.
    if (entries === undefined || entries.length === 0) continue
    patterns.forEach((p) => claimed.add(p))
    hosts.push({ patterns, port: ctx.servicePort(patterns[0]!), entries })
  }
  // Default routes are built on first use (see compileRouteTable). A default route's cluster that
  // already exists keeps its state (outlier ejections, counters) across the push.
  for (const cluster of ctx.deps.clusters.list()) {
    const { fqdn, subset } = cluster.key
    if (subset === undefined && !claimed.has(fqdn)) ctx.reserveDefault(fqdn)
  }
  return hosts
}

function gatewayHosts(snapshot: ConfigSnapshot, virtualServices: readonly VirtualService[], self: ProxyIdentity, ctx: CompileContext): VirtualHost[] {
  const mine = snapshot.gateways.filter((g) => Object.entries(g.spec.selector).every(([k, v]) => self.labels[k] === v))
  const names = mine.flatMap((g) => [g.meta.name, `${g.meta.namespace}/${g.meta.name}`])
  const serverHosts = mine.flatMap((g) => g.spec.servers.flatMap((s) => s.hosts.map((h) => h.replace(/^[^/]*\//, ''))))
  const hosts: VirtualHost[] = []
  for (const vs of virtualServices) {
    const entries = ctx.entriesFor(vs, names)
    if (!entries || entries.length === 0) continue
    const patterns = vs.spec.hosts.filter((h) => serverHosts.some((s) => hostMatches(s, h) || hostMatches(h, s)))
    if (patterns.length > 0) hosts.push({ patterns: patterns.map((h) => (h.includes('*') ? h : authorityToFqdn(h))), entries })
  }
  // Several VirtualServices for one host on a gateway are merged in order, as Istio does.
  return mergeByPattern(hosts)
}

function mergeByPattern(hosts: VirtualHost[]): VirtualHost[] {
  const byKey = new Map<string, VirtualHost>()
  for (const vh of hosts) {
    const key = vh.patterns.join(',')
    const prev = byKey.get(key)
    byKey.set(key, prev ? { ...prev, entries: [...prev.entries, ...vh.entries] } : vh)
  }
  return [...byKey.values()]
}

class CompileContext {
  private readonly faultRandom: Random
  private readonly weightRandom: Random
  private readonly retryRandom: Random
  private readonly mirrorRandom: Random

  constructor(
    readonly snapshot: ConfigSnapshot,
    readonly self: ProxyIdentity,
    readonly deps: RouteTableDeps,
  ) {
    this.faultRandom = deps.randoms.fault
    this.weightRandom = deps.randoms.weights
    this.retryRandom = deps.randoms.retry
    this.mirrorRandom = deps.randoms.mirror
  }

  servicePort(fqdn: string): number | undefined {
    return this.deps.registry.service(fqdn)?.port
  }

  /** Route entries of a VirtualService for a proxy bound as `gatewayNames`; undefined if not bound. */
  entriesFor(vs: VirtualService, gatewayNames: readonly string[]): RouteEntry[] | undefined {
    const bound = (gateways: readonly string[]) => gateways.some((g) => gatewayNames.includes(g) || gatewayNames.includes(`${vs.meta.namespace}/${g}`))
    if (!bound(vs.spec.gateways) && !vs.spec.http.some((r) => r.match.some((m) => m.gateways && bound(m.gateways)))) return undefined
    const entries: RouteEntry[] = []
    vs.spec.http.forEach((route, index) => {
      if (route.delegate !== undefined) return // not resolved (delegation.ts merges it away): no route, as in Istio
      if (route.match.length === 0) {
        if (bound(vs.spec.gateways)) entries.push({ matches: always, handler: this.routeHandler(vs, route, index, routeName(route, undefined), undefined) })
        return
      }
      for (const block of route.match) {
        if (!this.appliesHere(block, vs, bound)) continue
        entries.push({ matches: compileMatch(block), handler: this.routeHandler(vs, route, index, routeName(route, block), block) })
      }
    })
    return entries
  }

  /** Config-time match fields: the calling workload's labels and the gateways the block is bound to. */
  private appliesHere(block: HTTPMatchRequest, vs: VirtualService, bound: (g: readonly string[]) => boolean): boolean {
    if (!bound(block.gateways ?? vs.spec.gateways)) return false
    if (block.sourceNamespace && block.sourceNamespace !== this.self.namespace) return false
    return Object.entries(block.sourceLabels ?? {}).every(([k, v]) => this.self.labels[k] === v)
  }

  defaultRoute(fqdn: string): Handler {
    const cluster = this.cluster({ host: fqdn }, this.deps.registry.service(fqdn)?.namespace ?? 'default')
    return compose([routeInfo(DEFAULT_ROUTE_NAME, '')], this.destinationChain(cluster, { fqdn, subset: undefined }, undefined, undefined, []))
  }

  private routeHandler(vs: VirtualService, route: HTTPRoute, index: number, name: string, block: HTTPMatchRequest | undefined): Handler {
    const ns = vs.meta.namespace
    const only = route.route.length === 1 ? route.route[0]!.destination : undefined
    const onlyFqdn = only ? toFqdn(only.host, ns) : undefined
    const knownCluster = only && onlyFqdn ? clusterName({ fqdn: onlyFqdn, port: only.port ?? this.servicePort(onlyFqdn) ?? 80, subset: only.subset }) : ''
    const filters: Filter[] = [routeInfo(name, knownCluster)]
    if (route.fault) filters.push(fault(route.fault, { clock: this.deps.clock, random: this.faultRandom }))
    if (route.corsPolicy) filters.push(cors(route.corsPolicy))
    if (route.redirect) return compose(filters, redirect(route.redirect, this.deps.listenerPort ?? 80, block?.uri))
    if (route.directResponse) return compose(filters, directResponse(route.directResponse))
    if (route.rewrite) filters.push(rewrite(route.rewrite, block?.uri))
    if (route.headers) filters.push(headerOps(route.headers))
    const mirrors: MirrorTarget[] = route.mirrors.map((m) => {
      const target = this.cluster(m.destination, ns)
      return { percent: m.percent, handler: target ? compose([destinationInfo(target)], target.handler) : () => Promise.reject(new UpstreamFailure('cluster-not-found')) }
    })
    const choices = route.route.map((d) => {
      const cluster = this.cluster(d.destination, ns)
      const fqdn = toFqdn(d.destination.host, ns)
      return {
        weight: d.weight,
        handler: this.destinationChain(cluster, { fqdn, subset: d.destination.subset, port: d.destination.port }, route, d.headers, mirrors),
      }
    })
    void index
    return compose(filters, weightedDestinations(choices, this.weightRandom))
  }

  /** The router part of a destination: mirror, route timeout, retries, per-try timeout, then the cluster. */
  private destinationChain(
    cluster: UpstreamCluster | undefined,
    target: { fqdn: string; subset?: string; port?: number },
    route: HTTPRoute | undefined,
    headers: HTTPRoute['headers'],
    mirrors: readonly MirrorTarget[],
  ): Handler {
    if (!cluster) {
      const name = clusterName({ fqdn: target.fqdn, port: target.port ?? this.servicePort(target.fqdn) ?? 80, subset: target.subset })
      return async function clusterNotFound(req) {
        req.info.cluster = name
        req.info.destinationService = target.fqdn
        throw new UpstreamFailure('cluster-not-found')
      }
    }
    const policy = route?.retries ?? MESH_DEFAULT_RETRY
    const filters: Filter[] = [destinationInfo(cluster)]
    if (headers) filters.push(headerOps(headers))
    if (mirrors.length > 0) filters.push(mirror(mirrors, { random: this.mirrorRandom, clock: this.deps.clock }))
    filters.push(routeTimeout(route?.timeoutMs, this.deps.clock, cluster.counters))
    if (policy.attempts > 0) filters.push(retry(policy, { clock: this.deps.clock, random: this.retryRandom, budget: cluster.retryBudget, counters: cluster.counters }))
    const perTry = policy.perTryTimeoutMs
    if (perTry !== undefined) filters.push(perTryTimeout(perTry, this.deps.clock, cluster.counters))
    return compose(filters, cluster.handler)
  }

  /** The cluster a destination names, or undefined when Envoy would have none (unknown host or subset → NC). */
  cluster(dest: Destination, namespace: string): UpstreamCluster | undefined {
    const spec = this.clusterSpec(dest, namespace)
    return spec && this.deps.clusters.get(spec.key, spec.policy)
  }

  /** Keeps the default route's cluster of `fqdn` through this push if it exists; creates nothing. */
  reserveDefault(fqdn: string): void {
    const spec = this.clusterSpec({ host: fqdn }, this.deps.registry.service(fqdn)?.namespace ?? 'default')
    if (spec) this.deps.clusters.reserve(spec.key, spec.policy)
  }

  /** The cluster a destination names and its traffic policy, or undefined when Envoy would have none. */
  private clusterSpec(dest: Destination, namespace: string): { key: ClusterKey; policy: TrafficPolicyFields } | undefined {
    const fqdn = toFqdn(dest.host, namespace)
    const service = this.deps.registry.service(fqdn)
    if (!service) return undefined
    const port = dest.port ?? service.port
    const rule = findRule(this.snapshot.destinationRules, fqdn)
    const subset = dest.subset === undefined ? undefined : rule?.spec.subsets.find((s) => s.name === dest.subset)
    if (dest.subset !== undefined && !subset) return undefined
    return {
      key: { fqdn, service: service.name, port, subset: dest.subset, labels: subset?.labels ?? {} },
      policy: effectivePolicy(rule?.spec, subset, port),
    }
  }
}

/** The DestinationRule for a host: an exact host match first, then the most specific wildcard. */
function findRule(rules: readonly DestinationRule[], fqdn: string): DestinationRule | undefined {
  const withFqdn = rules.map((r) => ({ r, host: toFqdn(r.spec.host, r.meta.namespace) }))
  return (
    withFqdn.find((x) => x.host === fqdn)?.r ??
    withFqdn.filter((x) => x.host.includes('*') && hostMatches(x.host, fqdn)).sort((a, b) => b.host.length - a.host.length)[0]?.r
  )
}

/** Istio's name for the route it builds for a service no VirtualService routes (route.go DefaultRouteName). */
export const DEFAULT_ROUTE_NAME = 'default'

/**
 * The Envoy route name Istio gives an HTTPRoute (route.go TranslateRoute): its `name`, then
 * `.<match name>` when the block has one; '' when neither is named, which Envoy logs as `-`.
 */
export function routeName(route: HTTPRoute, block: HTTPMatchRequest | undefined): string {
  const name = route.name ?? ''
  return block?.name ? `${name}.${block.name}` : name
}

/** Names the route (and, for a single destination, its cluster) before any filter can answer locally. */
function routeInfo(name: string, cluster: string): Filter {
  return (next) =>
    function routeInfoFilter(req) {
      req.info.routeName = name
      if (cluster) req.info.cluster = cluster
      return next(req)
    }
}

function destinationInfo(cluster: UpstreamCluster): Filter {
  const { fqdn } = cluster.key
  const name = cluster.name
  return (next) =>
    function destinationInfoFilter(req) {
      req.info.cluster = name
      req.info.destinationService = fqdn
      return next(req)
    }
}

/** A handler built the first time it is called. */
function lazy(build: () => Handler): Handler {
  let handler: Handler | undefined
  return (req) => (handler ??= build())(req)
}

function portOf(authority: string): number | undefined {
  const m = /:(\d+)$/.exec(authority)
  return m ? Number(m[1]) : undefined
}
