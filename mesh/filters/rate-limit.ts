/**
 * Envoy's local rate limit filter on the inbound side: a token bucket per workload and per route.
 * Over the limit, the sidecar answers 429 `local_rate_limited` itself (flag RL), before the app.
 * Buckets start full and gain `tokensPerFill` every `fillIntervalMs` up to `maxTokens`; the fills are
 * computed from the clock when a request comes, so no timer runs and nothing needs closing.
 */
import type { Clock } from '../clock.ts'
import { localReply, type Filter, type MeshRequest } from '../filter.ts'
import type { TokenBucket } from '../control/types.ts'

export class TokenBucketState {
  #tokens: number
  #lastFillMs: number

  constructor(
    readonly spec: TokenBucket,
    private readonly clock: Clock,
  ) {
    this.#tokens = spec.maxTokens
    this.#lastFillMs = clock.now()
  }

  /** Takes one token if there is one. */
  tryTake(): boolean {
    const now = this.clock.now()
    const fills = Math.floor((now - this.#lastFillMs) / this.spec.fillIntervalMs)
    if (fills > 0) {
      this.#tokens = Math.min(this.spec.maxTokens, this.#tokens + fills * this.spec.tokensPerFill)
      this.#lastFillMs += fills * this.spec.fillIntervalMs
    }
    if (this.#tokens < 1) return false
    this.#tokens--
    return true
  }

  get tokens(): number {
    return this.#tokens
  }
}

export interface RateLimitRoute {
  readonly matches: (req: MeshRequest) => boolean
  readonly bucket: TokenBucketState
}

/** Counts what the filter did, like Envoy's `http_local_rate_limit.*` stats. */
export interface RateLimitCounters {
  inc(name: 'rate_limit_enabled' | 'rate_limit_ok' | 'rate_limited'): void
}

/**
 * The first route whose match holds uses its own bucket; other requests use the workload bucket,
 * or pass unlimited when there is none (Envoy: per-route config replaces the filter-level one).
 */
export function localRateLimit(routes: readonly RateLimitRoute[], workload: TokenBucketState | undefined, counters?: RateLimitCounters): Filter {
  return (next) =>
    function localRateLimitFilter(req) {
      const bucket = routes.find((r) => r.matches(req))?.bucket ?? workload
      if (!bucket) return next(req)
      counters?.inc('rate_limit_enabled')
      if (bucket.tryTake()) {
        counters?.inc('rate_limit_ok')
        return next(req)
      }
      counters?.inc('rate_limited')
      req.info.flags.add('RL')
      req.info.details = 'local_rate_limited'
      return Promise.resolve(localReply(429, 'local_rate_limited', { 'x-local-rate-limit': 'true' }))
    }
}
