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

/**
 * Runs `next` with a cancellation of its own that also follows the caller's, and a timer that, when
 * it fires first, cancels the inner call and fails with the timeout. Written without Promise.race and
 * without an AbortController: both cost measurable time on every request, and timers rarely fire.
 */
function raceTimeout<R extends { cancel: Cancel }, T>(
  ms: number,
  kind: 'route-timeout' | 'per-try-timeout',
  clock: Clock,
  next: (req: R) => Promise<T>,
  req: R,
  counters?: Counters,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const inner = new Cancel()
    const unlink = req.cancel.onAbort((reason) => inner.abort(reason))
    let settled = false
    const disarm = clock.after(ms, () => {
      if (settled) return
      settled = true
      unlink()
      counters?.inc(kind === 'route-timeout' ? 'upstream_rq_timeout' : 'upstream_rq_per_try_timeout')
      // Made only now: an Error captures a stack trace, microseconds on every request.
      const timedOut = new UpstreamFailure(kind)
      inner.abort(timedOut)
      reject(timedOut)
    })
    const settle = () => {
      if (settled) return false
      settled = true
      disarm()
      unlink()
      return true
    }
    // Once disarmed, a streaming response body is no longer timed (only its headers were).
    next({ ...req, cancel: inner }).then(
      (res) => {
        if (settle()) resolve(res)
      },
      (err) => {
        if (settle()) reject(err)
      },
    )
  })
}
