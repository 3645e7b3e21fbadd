/**
 * The data-plane contract: a sidecar is a chain of small filters around a terminal handler.
 * Requests pass the filters in order; responses come back through them in reverse (Envoy's model).
 */
import type { Readable } from 'node:stream'
import type { ResponseFlag } from './flags.ts'
import type { StreamedBody } from './http/request-body.ts'

/** Lower-case header names, as node:http and undici give them. */
export type HeaderMap = Record<string, string | string[] | undefined>

/** A response body: nothing, bytes already in memory, or a stream straight from the upstream socket. */
export type Body = null | string | Buffer | Readable

/**
 * A request body: none; buffered whole (it fits the 1 MiB replay buffer, so retries and mirrors can
 * resend it); or, when larger, streamed once as it arrives (then it is neither retried nor mirrored).
 */
export type RequestBody = null | Buffer | StreamedBody

/**
 * What telemetry learns about one request as it crosses a sidecar (Envoy's StreamInfo).
 * Filters fill it in; the telemetry filter reads it when the response is complete.
 */
export interface StreamInfo {
  readonly startMs: number
  readonly flags: Set<ResponseFlag>
  /** Envoy's %RESPONSE_CODE_DETAILS%, e.g. `via_upstream`, `fault_filter_abort`. */
  details: string
  /**
   * Envoy's route name (%ROUTE_NAME%): as Istio names it, the HTTPRoute's `name`, plus `.<match name>`
   * when the matching block has one; `default` for a route Istio builds without a VirtualService;
   * empty for an unnamed route or no route at all (logged `-`).
   */
  routeName: string
  /** Envoy cluster name: `outbound|9080|v1|reviews.default.svc.cluster.local`. */
  cluster: string
  /** Service and workload finally chosen by the load balancer. */
  destinationService: string
  destinationWorkload: string
  destinationVersion: string
  /** host:port the last attempt went to. */
  upstreamHost: string
  /** Number of upstream attempts made (1 + retries). */
  attempts: number
  /** Set when the request is a mirror copy, so telemetry can skip sampling it. */
  mirrored: boolean
  /** `x-request-id`, as received or as the first proxy generated it. */
  requestId: string
  /** X-Forwarded-For as this proxy forwarded it, when it appended to it (the gateway); '' otherwise. */
  forwardedFor: string
  /** The span this sidecar created for the request (client span outbound, server span inbound). */
  span: SpanContext | undefined
  /**
   * Inbound: the caller's SPIFFE id from its verified client certificate (mTLS), '' for plain text.
   * The only source of a peer identity for authorization: headers never set it.
   */
  peerPrincipal: string
  /** Inbound: the SNI the caller asked for (Istio's `outbound_.9080_._.ratings.default.svc.cluster.local`). */
  requestedServerName: string
  /** Address of the connection's peer and of this listener (`127.0.0.1`). */
  downstreamRemoteAddress: string
  downstreamLocalAddress: string
  /** Outbound: the server's verified SPIFFE id when the last attempt went over mTLS, else ''. */
  upstreamPeerPrincipal: string
  /** Envoy's %UPSTREAM_TRANSPORT_FAILURE_REASON%, e.g. a TLS handshake error; '' if none. */
  upstreamTransportFailureReason: string
  /** Inbound: the AUDIT AuthorizationPolicy rule that matched, if any. */
  authzAudit: string
}

/** W3C/B3 trace context of one span. */
export interface SpanContext {
  /** 32 hex digits. */
  readonly traceId: string
  /** 16 hex digits. */
  readonly spanId: string
  readonly parentSpanId?: string
  readonly sampled: boolean
}

export interface MeshRequest {
  readonly method: string
  /** Path including the query string, as on the wire. */
  readonly path: string
  /** Host / :authority, as sent by the caller (e.g. `reviews:9080`). */
  readonly authority: string
  readonly scheme: 'http' | 'https'
  readonly headers: HeaderMap
  readonly body: RequestBody
  /** Aborted when the caller goes away or an enclosing timeout expires. */
  readonly cancel: Cancel
  readonly info: StreamInfo
  /** Set by the retry filter: which try this is, and the hosts earlier tries used (retry-previous-hosts). */
  readonly attempt?: { readonly number: number; readonly triedHosts: ReadonlySet<string> }
  /** Set by the load balancer: the endpoint this try goes to. */
  readonly upstream?: {
    readonly workload: string
    readonly address: string
    readonly dialAddress: string
    /** The endpoint's SPIFFE id (it has a sidecar), for mTLS. */
    readonly principal?: string
    readonly labels?: Readonly<Record<string, string>>
  }
}

/**
 * The cancellation of one request: the caller went away, or a timeout fired. A plain object with
 * callbacks, because most requests are never cancelled and an AbortController (an EventTarget) per
 * request and per listener costs about a tenth of a hop; the AbortSignal that timers and clients
 * want is made only when asked for.
 */
export class Cancel {
  private done = false
  private why: unknown = undefined
  private listeners: Array<(reason: unknown) => void> | undefined = undefined
  private controller: AbortController | undefined = undefined

  get aborted(): boolean {
    return this.done
  }

  get reason(): unknown {
    return this.why
  }

  abort(reason: unknown): void {
    if (this.done) return
    this.done = true
    this.why = reason
    const listeners = this.listeners
    this.listeners = undefined
    if (listeners) for (const fn of listeners) fn(reason)
    this.controller?.abort(reason)
  }

  /** Calls `fn` once when aborted (at once if it already is). Returns a function that unregisters it. */
  onAbort(fn: (reason: unknown) => void): () => void {
    if (this.done) {
      fn(this.why)
      return noop
    }
    ;(this.listeners ??= []).push(fn)
    return () => {
      const i = this.listeners?.indexOf(fn) ?? -1
      if (i >= 0) this.listeners!.splice(i, 1)
    }
  }

  /** An AbortSignal that follows this cancellation (for timers and clients that take one). */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController()
      if (this.done) this.controller.abort(this.why)
    }
    return this.controller.signal
  }
}

const noop = () => {}

export interface MeshResponse {
  readonly status: number
  readonly headers: HeaderMap
  readonly body: Body
}

export type Handler = (req: MeshRequest) => Promise<MeshResponse>

/** Wraps the next handler. Per-request state lives only inside the returned closure. */
export type Filter = (next: Handler) => Handler

/** compose([a, b], h): requests pass a, b, h; responses come back through b, then a. */
export const compose = (filters: readonly Filter[], terminal: Handler): Handler =>
  filters.reduceRight<Handler>((next, filter) => filter(next), terminal)

export function newStreamInfo(startMs: number): StreamInfo {
  return {
    startMs,
    flags: new Set(),
    details: '',
    routeName: '',
    cluster: '',
    destinationService: '',
    destinationWorkload: '',
    destinationVersion: '',
    upstreamHost: '',
    attempts: 0,
    mirrored: false,
    requestId: '',
    forwardedFor: '',
    span: undefined,
    peerPrincipal: '',
    requestedServerName: '',
    downstreamRemoteAddress: '',
    downstreamLocalAddress: '',
    upstreamPeerPrincipal: '',
    upstreamTransportFailureReason: '',
    authzAudit: '',
  }
}

/** A local reply (made by the sidecar itself, not the upstream), always small and in memory. */
export function localReply(status: number, body: string, headers: HeaderMap = {}): MeshResponse {
  return { status, headers: body ? { 'content-type': 'text/plain', ...headers } : headers, body }
}

/** Copies `req` with some headers set (undefined removes); filters never mutate a request's headers. */
export function withHeaders(req: MeshRequest, changes: HeaderMap): MeshRequest {
  // Built key by key rather than copied and `delete`d: deleting makes V8 objects slow dictionaries.
  const headers: HeaderMap = {}
  for (const name in req.headers) if (!(name in changes)) headers[name] = req.headers[name]
  for (const name in changes) {
    const value = changes[name]
    if (value !== undefined) headers[name] = value
  }
  return { ...req, headers }
}

/** First value of a header that may repeat. */
export function headerValue(headers: HeaderMap, name: string): string | undefined {
  const v = headers[name]
  return Array.isArray(v) ? v[0] : v
}

/** Whether the body can be sent again (a retry, a mirror copy): none, or buffered whole. */
export const replayable = (body: RequestBody): body is Buffer | null => body === null || Buffer.isBuffer(body)
