/** Which incoming headers each Bookinfo app copies onto its calls to peers, as in Istio's sources. */
import type { IncomingHttpHeaders } from 'node:http'
import { reinjectB3 } from './b3.ts'

/** Header name (lower case) to value, ready for undici's `request({ headers })`. */
export type ForwardHeaders = Record<string, string>

/** The tracers' context headers among those the apps copy (all but B3, listed below). */
const TRACER_HEADERS: readonly string[] = Object.freeze([
  'x-request-id',
  'x-ot-span-context',
  'x-datadog-trace-id',
  'x-datadog-parent-id',
  'x-datadog-sampling-priority',
  'traceparent',
  'tracestate',
  'x-cloud-trace-context',
  'grpc-trace-bin',
  'sw8',
])

/**
 * Copied verbatim by productpage, details and reviews (Istio: "keep this in sync").
 * productpage handles B3 through its propagator and `end-user` through the session, so neither is here.
 */
export const SHARED_FORWARD_HEADERS: readonly string[] = Object.freeze([...TRACER_HEADERS, 'user-agent', 'cookie', 'authorization', 'jwt'])

/** Zipkin's multi-header B3 context. */
export const B3_HEADERS: readonly string[] = Object.freeze([
  'x-b3-traceid',
  'x-b3-spanid',
  'x-b3-parentspanid',
  'x-b3-sampled',
  'x-b3-flags',
])

/** Zipkin's single-header B3 context. */
export const B3_SINGLE_HEADER = 'b3'

/** details and reviews copy all of these verbatim: the shared list, B3 as it came, and `end-user`. */
export const BACKEND_FORWARD_HEADERS: readonly string[] = Object.freeze([
  ...SHARED_FORWARD_HEADERS,
  ...B3_HEADERS,
  'end-user',
])

/**
 * Trace context. An app built with `propagateTraceHeaders: false` "forgets" these, which breaks the
 * trace at that app (a lesson); identity and session headers still flow.
 */
export const TRACE_CONTEXT_HEADERS: ReadonlySet<string> = new Set([...TRACER_HEADERS, ...B3_HEADERS, B3_SINGLE_HEADER])

export interface PropagationOptions {
  /** false: drop every header in TRACE_CONTEXT_HEADERS. */
  readonly propagateTraceHeaders: boolean
}

/**
 * productpage's getForwardHeaders: B3 re-injected from the extracted context (so `x-b3-parentspanid`
 * and `x-b3-flags` are dropped), the shared list verbatim, `b3` verbatim, and `end-user` from the
 * signed-in session only; an incoming `end-user` header is never forwarded.
 */
export function productPageForwardHeaders(
  incoming: IncomingHttpHeaders,
  sessionUser: string | undefined,
  opts: PropagationOptions,
): ForwardHeaders {
  const out: ForwardHeaders = opts.propagateTraceHeaders ? reinjectB3(incoming) : {}
  if (sessionUser !== undefined) out['end-user'] = sessionUser
  Object.assign(out, pickHeaders(incoming, [...SHARED_FORWARD_HEADERS, B3_SINGLE_HEADER], opts))
  return out
}

/** details' and reviews' get_forward_headers: BACKEND_FORWARD_HEADERS verbatim, `end-user` included. */
export function backendForwardHeaders(incoming: IncomingHttpHeaders, opts: PropagationOptions): ForwardHeaders {
  return pickHeaders(incoming, BACKEND_FORWARD_HEADERS, opts)
}

/** The listed headers that are present, each as one string. */
export function pickHeaders(
  incoming: IncomingHttpHeaders,
  names: readonly string[],
  opts: PropagationOptions,
): ForwardHeaders {
  const out: ForwardHeaders = {}
  for (const name of names) {
    if (!opts.propagateTraceHeaders && TRACE_CONTEXT_HEADERS.has(name)) continue
    const value = headerValue(incoming, name)
    if (value !== undefined) out[name] = value
  }
  return out
}

/** Node joins repeated headers into one string already; only set-cookie stays an array. */
export function headerValue(incoming: IncomingHttpHeaders, name: string): string | undefined {
  const value = incoming[name]
  return Array.isArray(value) ? value.join(', ') : value
}
