/**
 * The policy filters of one workload's inbound side, compiled from each config push, in Istio's order on
 * the inbound chain: CUSTOM authorization (ext_authz), then AUDIT/DENY/ALLOW (RBAC), then local rate
 * limiting (LocalRateLimit). So a request the external authorizer denies never reaches the RBAC filters,
 * and a denied request never spends a token. With no policy selecting the workload the list is empty, so
 * requests pay nothing. Token buckets survive pushes that leave their settings unchanged.
 */
import type { Clock } from '../clock.ts'
import type { Filter } from '../filter.ts'
import type { ConfigSnapshot, DestinationRule, ExtensionProvider, LocalRateLimit } from '../control/types.ts'
import type { ServiceInfo, ServiceRegistry } from '../control/registry.ts'
import { hostMatches, toFqdn } from '../control/hosts.ts'
import { DEFAULT_MESH_CONFIG } from '../control/parse/mesh-config.ts'
import { selects } from '../control/parse/workload-selector.ts'
import { stableStringify } from '../control/stable-json.ts'
import { authorization, compileAuthorization, compileCustomRules, customProviders, type AuthzTarget, type CompiledRule } from '../filters/authz.ts'
import { extAuthz } from '../filters/ext-authz.ts'
import { compileMatch } from '../filters/route-match.ts'
import { localRateLimit, TokenBucketState, type RateLimitCounters } from '../filters/rate-limit.ts'
import type { ClusterManager } from './cluster-manager.ts'
import { effectivePolicy } from './traffic-policy.ts'

/**
 * What the inbound side needs to call ext_authz providers: the service registry (Istio's service index, where
 * a provider's `service` is looked up) and clusters of its own, as Envoy's ext_authz filter calls a cluster of
 * the same proxy. `ownService`: this workload's service FQDN.
 */
export interface ProviderAccess {
  readonly registry: ServiceRegistry
  readonly clusters: ClusterManager
  readonly ownService: string
}

/** Istio's policy name suffix for the RBAC denial that replaces a CUSTOM policy it cannot build. */
const BAD_CUSTOM = '-deny-due-to-bad-CUSTOM-action'

export class InboundPolicy {
  #buckets = new Map<string, TokenBucketState>()

  constructor(
    private readonly target: AuthzTarget,
    private readonly clock: Clock,
    private readonly counters?: RateLimitCounters,
    private readonly providers?: ProviderAccess,
  ) {}

  /** The filters for this snapshot, in chain order. */
  compile(snapshot: ConfigSnapshot): Filter[] {
    const filters: Filter[] = []
    const custom = this.#custom(snapshot)
    if (custom) filters.push(custom)
    const engine = compileAuthorization(snapshot.authorizationPolicies, this.target)
    if (engine) filters.push(authorization(engine))
    const limit = this.#rateLimit(snapshot.localRateLimits)
    if (limit) filters.push(limit)
    return filters
  }

  /**
   * CUSTOM policies, as istiod builds them (builder.go, extauthz.go): one provider per workload (several:
   * Istio without PILOT_ENABLE_MULTIPLE_CUSTOM_AUTHZ_PROVIDERS denies what each policy's rules match, as for a
   * provider that is undefined, not ext_authz, invalid, or whose service is not in the registry).
   */
  #custom(snapshot: ConfigSnapshot): Filter | undefined {
    this.providers?.clusters.begin()
    try {
      const byProvider = compileCustomRules(snapshot.authorizationPolicies, this.target)
      if (byProvider.size === 0) return undefined
      if (byProvider.size > 1) return badCustom([...byProvider.values()].flat())
      const [name, rules] = [...byProvider][0]!
      const provider = providerNamed(snapshot, name)
      const service = provider === undefined ? undefined : this.#resolve(provider)
      if (provider === undefined || service === undefined || provider.type === 'other' || provider.problem !== undefined) return badCustom(rules)
      // The provider's own workload is not checked by itself: each check would need another check, without end.
      // (Istio's sample runs ext-authz without a sidecar, which enforces no policy at all.)
      if (service.fqdn === this.providers!.ownService) return undefined
      if (provider.type === 'envoyExtAuthzGrpc') return extAuthz(rules, { kind: 'unavailable', ...provider.grpc }, this.clock)
      if (this.#loops(snapshot, service.fqdn)) return extAuthz(rules, { kind: 'unavailable', ...provider.http }, this.clock)
      const { http } = provider
      // Envoy's check goes to `outbound|<port>||<host>`; a port the Service does not have is a cluster that does not exist.
      const send = http.port === service.port ? this.#cluster(snapshot, service, http.port) : undefined
      return extAuthz(rules, { kind: 'http', provider: http, send }, this.clock)
    } finally {
      this.providers?.clusters.commit()
    }
  }

  /** Istio's LookupCluster: the exact host name (`ns/host` to pick a namespace) of a service in the registry. */
  #resolve(provider: ExtensionProvider): ServiceInfo | undefined {
    if (provider.type === 'other' || this.providers === undefined) return undefined
    const written = provider.type === 'envoyExtAuthzHttp' ? provider.http.service : provider.grpc.service
    const slash = written.indexOf('/')
    const host = slash < 0 ? written : written.slice(slash + 1)
    const service = this.providers.registry.list().find((s) => s.fqdn === host)
    if (service === undefined || (slash >= 0 && written.slice(0, slash) !== service.namespace)) return undefined
    return service
  }

  #cluster(snapshot: ConfigSnapshot, service: ServiceInfo, port: number) {
    const rule = destinationRule(snapshot.destinationRules, service.fqdn)
    return this.providers!.clusters.get({ fqdn: service.fqdn, service: service.name, port, labels: {} }, effectivePolicy(rule?.spec, undefined, port)).handler
  }

  /**
   * Whether checks sent to `start` would come back to this workload: its endpoints are checked by a provider whose
   * endpoints are checked by … this workload's service. On a cluster every request on such a loop waits for the
   * timeouts; here its checks fail at once (statusOnError, or through with failOpen).
   */
  #loops(snapshot: ConfigSnapshot, start: string): boolean {
    const seen = new Set<string>()
    const pending = [start]
    for (let fqdn = pending.pop(); fqdn !== undefined; fqdn = pending.pop()) {
      if (fqdn === this.providers!.ownService) return true
      if (seen.has(fqdn)) continue
      seen.add(fqdn)
      const service = this.providers!.registry.list().find((s) => s.fqdn === fqdn)
      for (const endpoint of service?.endpoints ?? []) {
        const names = customProviders(snapshot.authorizationPolicies, { namespace: service!.namespace, labels: endpoint.labels, port: service!.port })
        if (names.size !== 1) continue
        const provider = providerNamed(snapshot, [...names][0]!)
        const next = provider === undefined ? undefined : this.#resolve(provider)
        if (next !== undefined && next.fqdn !== fqdn) pending.push(next.fqdn)
      }
    }
    return false
  }

  #rateLimit(limits: readonly LocalRateLimit[]): Filter | undefined {
    // The oldest LocalRateLimit selecting this workload applies (Istio's rule for competing policies).
    const chosen = limits.find((l) => l.meta.namespace === this.target.namespace && selects(l.spec.selector, this.target.labels))
    const previous = this.#buckets
    this.#buckets = new Map()
    if (!chosen) return undefined
    const base = `${chosen.meta.namespace}/${chosen.meta.name}`
    const bucket = (key: string, spec: Parameters<typeof stableStringify>[0]) => {
      const id = `${base}|${key}|${stableStringify(spec)}`
      const state = previous.get(id) ?? new TokenBucketState(spec as never, this.clock)
      this.#buckets.set(id, state)
      return state
    }
    const port = this.target.port
    const routes = chosen.spec.routes.map((route, i) => {
      const predicates = route.match.map(compileMatch)
      return {
        matches: predicates.length === 0 ? () => true : (req: Parameters<(typeof predicates)[number]>[0]) => predicates.some((p) => p(req, port)),
        bucket: bucket(`route[${i}]:${route.bucketKey}`, route.tokenBucket),
      }
    })
    const workload = chosen.spec.tokenBucket ? bucket('workload', chosen.spec.tokenBucket) : undefined
    return localRateLimit(routes, workload, this.counters)
  }
}

const providerNamed = (snapshot: ConfigSnapshot, name: string): ExtensionProvider | undefined =>
  (snapshot.meshConfig ?? DEFAULT_MESH_CONFIG).extensionProviders.find((p) => p.name === name)

/** Istio's stand-in for a CUSTOM policy it cannot build: an RBAC DENY of what its rules match. */
const badCustom = (rules: readonly CompiledRule[]): Filter =>
  authorization({ deny: rules.map((r) => ({ name: `${r.name}${BAD_CUSTOM}`, matches: r.matches })), allow: [], audit: [], hasAllow: false })

/** The DestinationRule for a host, as route tables pick it: the exact host, else the longest wildcard. */
function destinationRule(rules: readonly DestinationRule[], fqdn: string): DestinationRule | undefined {
  const withFqdn = rules.map((r) => ({ r, host: toFqdn(r.spec.host, r.meta.namespace) }))
  return (
    withFqdn.find((x) => x.host === fqdn)?.r ??
    withFqdn.filter((x) => x.host.includes('*') && hostMatches(x.host, fqdn)).sort((a, b) => b.host.length - a.host.length)[0]?.r
  )
}
