/**
 * Tracing: every sidecar makes a span per request (a client span outbound, a server span inbound)
 * as a child of the caller's context, and passes its own span on, so the hops of one page load form
 * one trace, provided the apps propagate the headers (Bookinfo's do). Mirror copies are not sampled.
 */
import { withHeaders, type Filter } from '../filter.ts'
import { childSpan, contextHeaders, extractContext, spanIds, type IdSource } from '../telemetry/trace-context.ts'

export function tracing(ids: IdSource = spanIds()): Filter {
  return (next) =>
    function tracingFilter(req) {
      const span = childSpan(extractContext(req.headers), ids, !req.info.mirrored)
      req.info.span = span
      return next(withHeaders(req, contextHeaders(span)))
    }
}
