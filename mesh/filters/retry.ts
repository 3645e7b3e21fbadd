/**
 * Retries (VirtualService `retries`, or Istio's mesh default when absent), with Envoy's semantics:
 * `attempts` counts retries, retryOn conditions decide per outcome, fully jittered exponential
 * backoff, retries avoid hosts already tried, and a retry budget (connectionPool.http.maxRetries).
 */
import type { Clock } from '../clock.ts'
import { headerValue, replayable, type Filter, type HeaderMap, type MeshRequest, type MeshResponse } from '../filter.ts'
import type { Random } from '../random.ts'
import type { HTTPRetry } from '../control/types.ts'
import { UpstreamFailure } from '../upstream-failure.ts'
import type { Counters } from '../telemetry/counters.ts'

/** Istio's default when a route sets no `retries` (defined with the parser, which owns the defaults). */
export { MESH_DEFAULT_RETRY } from '../control/parse/retries.ts'

/** Envoy's retry circuit breaker: how many retries may be outstanding at once on a cluster. */
export interface RetryBudget {
  tryAcquire(): boolean
  release(): void
}

export const retryBudget = (max = Infinity): RetryBudget => {
  let active = 0
  return {
    tryAcquire: () => (active < max ? (active++, true) : false),
    release: () => {
      active--
    },
  }
}

/** Fully jittered exponential backoff: uniform in [0, min(10 × base, base × (2^n − 1))). */
export const backoffMs = (retry: number, baseMs: number, random: Random): number =>
  Math.floor(random() * Math.min(10 * baseMs, baseMs * (2 ** retry - 1)))

type Outcome = { readonly ok: true; readonly res: MeshResponse } | { readonly ok: false; readonly err: unknown }

export function retry(
  policy: HTTPRetry,
  deps: { clock: Clock; random: Random; budget: RetryBudget; counters?: Counters },
): Filter {
  return (next) =>
    async function retryFilter(req) {
      if (!replayable(req.body)) {
        // Past the 1 MiB replay buffer the body is streamed once: Envoy gives up on retrying it.
        deps.counters?.inc('retry_or_shadow_abandoned')
        req.info.attempts = 1
        return next(attemptRequest(req, 1, undefined, policy))
      }
      let tried: Set<string> | undefined // made at the first retry: most requests have none
      for (let attempt = 1; ; attempt++) {
        // Counted when the try starts, so a route timeout that cuts a try short still reports it.
        req.info.attempts = attempt
        let outcome: Outcome
        try {
          outcome = { ok: true, res: await next(attemptRequest(req, attempt, tried, policy)) }
        } catch (err) {
          outcome = { ok: false, err }
        }
        if (!isRetriable(policy, outcome)) return unwrap(outcome)
        if (req.info.upstreamHost) (tried ??= new Set()).add(req.info.upstreamHost)
        if (attempt > policy.attempts) {
          req.info.flags.add('URX')
          return unwrap(outcome)
        }
        if (!deps.budget.tryAcquire()) {
          // Envoy's router on RetryStatus::NoOverflow: flag UpstreamOverflow, answer with this try's outcome.
          deps.counters?.inc('upstream_rq_retry_overflow')
          req.info.flags.add('UO')
          return unwrap(outcome)
        }
        try {
          discard(outcome)
          deps.counters?.inc('upstream_rq_retry')
          await deps.clock.sleep(backoffMs(attempt, policy.backoffMs, deps.random), req.cancel.signal)
        } finally {
          deps.budget.release()
        }
      }
    }
}

const NO_HOSTS: ReadonlySet<string> = Object.freeze(new Set<string>())

function attemptRequest(req: MeshRequest, attempt: number, tried: ReadonlySet<string> | undefined, policy: HTTPRetry): MeshRequest {
  // Copied key by key: a spread of a header map plus one key takes V8's slow path (it showed in profiles).
  const headers: HeaderMap = {}
  for (const name in req.headers) headers[name] = req.headers[name]
  headers['x-envoy-attempt-count'] = attempt === 1 ? '1' : String(attempt)
  const triedHosts = policy.retryIgnorePreviousHosts && tried && tried.size > 0 ? new Set(tried) : NO_HOSTS
  return {
    ...req,
    headers,
    attempt: { number: attempt, triedHosts },
  }
}

/** Whether `retryOn` allows another try after this outcome (Envoy's RetryStateImpl). */
export function isRetriable(policy: HTTPRetry, outcome: Outcome): boolean {
  const on = policy.retryOn
  if (!outcome.ok) {
    if (!(outcome.err instanceof UpstreamFailure)) return false
    switch (outcome.err.kind) {
      case 'connect-failure':
        return on.has('connect-failure') || on.has('reset') || on.has('5xx') || on.has('gateway-error')
      case 'reset':
      case 'per-try-timeout':
        return on.has('reset') || on.has('5xx') || on.has('gateway-error')
      default:
        return false // overflow, route timeout, no healthy upstream: never retried
    }
  }
  const { status, headers } = outcome.res
  if (status >= 500 && on.has('5xx')) return true
  if ((status === 502 || status === 503 || status === 504) && on.has('gateway-error')) return true
  if (status === 409 && on.has('retriable-4xx')) return true
  if (policy.retriableStatusCodes.has(status)) return true
  if (on.has('envoy-ratelimited') && headers['x-envoy-ratelimited'] !== undefined) return true
  const grpc = headerValue(headers, 'grpc-status')
  if (grpc !== undefined) {
    const code = Number(grpc)
    if ((code === 1 && on.has('cancelled')) || (code === 4 && on.has('deadline-exceeded')) || (code === 8 && on.has('resource-exhausted'))) return true
    if ((code === 13 && on.has('internal')) || (code === 14 && on.has('unavailable'))) return true
  }
  return false
}

function unwrap(outcome: Outcome): MeshResponse {
  if (!outcome.ok) throw outcome.err
  return outcome.res
}

/** A retried response's body is never read: release its connection. */
function discard(outcome: Outcome): void {
  const body = outcome.ok ? outcome.res.body : null
  if (body && typeof body === 'object' && 'destroy' in body) {
    body.on('error', () => {}) // destroying an unread undici body emits an AbortError nobody awaits
    body.destroy()
  }
}
