/**
 * Timeouts. The route timeout bounds all tries together (504 `upstream request timeout`, UT, never
 * retried); the per-try timeout bounds one try and is retried when `retryOn` allows it. Either way
 * the inner call is cancelled and the timer disarmed: nothing outlives the request.
 */
import type { Clock } from '../clock.ts'
import { Cancel, headerValue, type Filter } from '../filter.ts'
import { UpstreamFailure } from '../upstream-failure.ts'
import type { Counters } from '../telemetry/counters.ts'

/** Envoy honours this request header to override the route timeout (Istio's request-timeouts task). */
const OVERRIDE_HEADER = 'x-envoy-upstream-rq-timeout-ms'

export function routeTimeout(ms: number | undefined, clock: Clock, counters?: Counters): Filter {
  return (next) =>
    function routeTimeoutFilter(req) {
      const override = Number(headerValue(req.headers, OVERRIDE_HEADER))
      const limit = Number.isFinite(override) && override > 0 ? override : ms
      return limit === undefined ? next(req) : raceTimeout(limit, 'route-timeout', clock, next, req, counters)
    }
}

export function perTryTimeout(ms: number, clock: Clock, counters?: Counters): Filter {
  return (next) =>
    function perTryTimeoutFilter(req) {
      return raceTimeout(ms, 'per-try-timeout', clock, next, req, counters)
    }
}

/** Why a timer that did not fire was disarmed: one shared value, not a DOMException per request. */
const DISARMED = Object.freeze(new Error('timer disarmed'))

async function raceTimeout<R extends { cancel: Cancel }, T>(
  ms: number,
  kind: 'route-timeout' | 'per-try-timeout',
  clock: Clock,
  next: (req: R) => Promise<T>,
  req: R,
  counters?: Counters,
): Promise<T> {
  // `inner` cancels the upstream call (on timeout or when the caller leaves); `disarm` only clears
  // the timer, so a response body can keep streaming after the headers.
  const inner = new Cancel()
  const disarm = new AbortController()
  const unlink = req.cancel.onAbort((reason) => inner.abort(reason))
  // Made only when the timer fires: an Error captures a stack trace, microseconds on every request.
  let timedOut: UpstreamFailure | undefined
  const timer = clock.sleep(ms, disarm.signal).then(() => {
    counters?.inc(kind === 'route-timeout' ? 'upstream_rq_timeout' : 'upstream_rq_per_try_timeout')
    timedOut = new UpstreamFailure(kind)
    inner.abort(timedOut)
    throw timedOut
  })
  try {
    return await Promise.race([next({ ...req, cancel: inner }), timer])
  } catch (err) {
    // The inner call sees its signal aborted and rethrows the reason; report the timeout itself.
    throw timedOut !== undefined && inner.reason === timedOut ? timedOut : err
  } finally {
    disarm.abort(DISARMED)
    unlink()
    timer.catch(() => {})
  }
}
