/**
 * The policy filters of one workload's inbound side, compiled from each config push: authorization
 * (AuthorizationPolicy), then local rate limiting (LocalRateLimit), Envoy's order on Istio's inbound
 * chain: a denied request never spends a token. With no policy selecting the workload the list is
 * empty, so requests pay nothing. Token buckets survive pushes that leave their settings unchanged.
 */
import type { Clock } from '../clock.ts'
import type { Filter } from '../filter.ts'
import type { ConfigSnapshot, LocalRateLimit } from '../control/types.ts'
import { selects } from '../control/parse/workload-selector.ts'
import { stableStringify } from '../control/stable-json.ts'
import { authorization, compileAuthorization, type AuthzTarget } from '../filters/authz.ts'
import { compileMatch } from '../filters/route-match.ts'
import { localRateLimit, TokenBucketState, type RateLimitCounters } from '../filters/rate-limit.ts'

export class InboundPolicy {
  #buckets = new Map<string, TokenBucketState>()

  constructor(
    private readonly target: AuthzTarget,
    private readonly clock: Clock,
    private readonly counters?: RateLimitCounters,
  ) {}

  /** The filters for this snapshot, in chain order. */
  compile(snapshot: ConfigSnapshot): Filter[] {
    const filters: Filter[] = []
    const engine = compileAuthorization(snapshot.authorizationPolicies, this.target)
    if (engine) filters.push(authorization(engine))
    const limit = this.#rateLimit(snapshot.localRateLimits)
    if (limit) filters.push(limit)
    return filters
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
