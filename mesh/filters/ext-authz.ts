/**
 * Envoy's ext_authz HTTP filter as Istio builds it for `action: CUSTOM`: only requests that one of the
 * CUSTOM policies' rules matches are checked (Istio's shadow RBAC filter + `filter_enabled_metadata`).
 * The check is an HTTP request to the provider's cluster, sent by this sidecar itself (Envoy's async
 * client, not through the app's outbound side): the request's method, `pathPrefix` + path, Host,
 * Authorization and the `includeRequestHeadersInCheck` headers, `includeAdditionalHeadersInCheck` on top,
 * the trace context, `Content-Length: 0` and no body. Then, as in Envoy's ext_authz_http_impl.cc and ext_authz.cc:
 *
 * - 200: allowed. `headersToUpstreamOnAllow` headers of the answer are set on the request to the app,
 *   `headersToDownstreamOnAllow` ones are added to the app's response.
 * - 5xx, a failed connection, the provider's `timeout`: an error. `failOpen` lets the request through;
 *   otherwise a local reply `statusOnError` (403) with no body, flag UAEX, details `ext_authz_error`.
 * - anything else: denied with the provider's status and body, and its headers (all but Host, or the
 *   `headersToDownstreamOnDeny` ones plus Content-Length, WWW-Authenticate and Location); flag UAEX,
 *   details `ext_authz_denied`.
 */
import type { Clock } from '../clock.ts'
import type { EnvoyExtAuthzHttpProvider, HeaderNameMatcher } from '../control/types.ts'
import { Cancel, localReply, newStreamInfo, withHeaders, type Body, type Filter, type Handler, type HeaderMap, type MeshRequest } from '../filter.ts'
import { withoutHopByHop } from '../http/hop-by-hop.ts'
import { contextHeaders } from '../telemetry/trace-context.ts'
import type { CompiledRule } from './authz.ts'

/** How this sidecar reaches one provider. */
export type ExtAuthzService =
  /** `send`: the provider's cluster in this proxy; undefined when it has none (Envoy: the cluster does not exist). */
  | { readonly kind: 'http'; readonly provider: EnvoyExtAuthzHttpProvider; readonly send: Handler | undefined }
  /** A check that cannot be made: a gRPC provider (not simulated), or one that would end up checking itself. */
  | { readonly kind: 'unavailable'; readonly failOpen: boolean; readonly statusOnError: number }

type Outcome =
  | { readonly kind: 'ok'; readonly toUpstream: HeaderMap; readonly toDownstream: readonly (readonly [string, string])[] }
  | { readonly kind: 'denied'; readonly status: number; readonly headers: HeaderMap; readonly body: string }
  | { readonly kind: 'error' }

const ERROR: Outcome = Object.freeze({ kind: 'error' })
/** Envoy's async client buffers the whole answer; a larger one than this is treated as a failed check. */
const MAX_CHECK_BODY_BYTES = 1024 * 1024
/** Always in the check request (Envoy's toRequestMatchers), besides the provider's list. */
const ALWAYS_SENT = new Set(['authorization'])
/** Always in a denial when the provider lists headersToDownstreamOnDeny (Envoy's toClientMatchers). */
const ALWAYS_ON_DENY = new Set(['content-length', 'www-authenticate', 'location'])

/** The filter: `triggers` are the CUSTOM rules for this provider; a request none matches is not checked. */
export function extAuthz(triggers: readonly CompiledRule[], service: ExtAuthzService, clock: Clock): Filter {
  return (next) =>
    async function extAuthzFilter(req) {
      if (!triggers.some((rule) => rule.matches(req))) return next(req)
      const outcome = service.kind === 'http' ? await check(req, service.provider, service.send, clock) : ERROR
      if (outcome.kind === 'denied') {
        req.info.flags.add('UAEX')
        req.info.details = 'ext_authz_denied'
        return localReply(outcome.status, outcome.body, outcome.headers)
      }
      if (outcome.kind === 'error') {
        const { failOpen, statusOnError } = service.kind === 'http' ? service.provider : service
        if (failOpen) return next(req)
        req.info.flags.add('UAEX')
        req.info.details = 'ext_authz_error'
        return localReply(statusOnError, '')
      }
      const res = await next(Object.keys(outcome.toUpstream).length === 0 ? req : withHeaders(req, outcome.toUpstream))
      return outcome.toDownstream.length === 0 ? res : { ...res, headers: appended(res.headers, outcome.toDownstream) }
    }
}

/** One check: never throws; a failure of any kind is the `error` outcome. */
async function check(req: MeshRequest, provider: EnvoyExtAuthzHttpProvider, send: Handler | undefined, clock: Clock): Promise<Outcome> {
  if (send === undefined) return ERROR
  const cancel = new Cancel()
  const unlink = req.cancel.onAbort((reason) => cancel.abort(reason))
  const disarm = provider.timeoutMs > 0 ? clock.after(provider.timeoutMs, () => cancel.abort(new Error(`ext_authz check timed out after ${provider.timeoutMs} ms`))) : () => {}
  try {
    const res = await send(checkRequest(req, provider, cancel, clock))
    const body = await text(res.body, cancel)
    if (res.status >= 500 && res.status <= 599) return ERROR
    const headers = withoutHopByHop(res.headers)
    if (res.status === 200) return { kind: 'ok', toUpstream: pick(headers, provider.headersToUpstreamOnAllow), toDownstream: pairs(pick(headers, provider.headersToDownstreamOnAllow)) }
    return { kind: 'denied', status: res.status, headers: deniedHeaders(headers, provider.headersToDownstreamOnDeny), body }
  } catch {
    return ERROR
  } finally {
    disarm()
    unlink()
  }
}

function checkRequest(req: MeshRequest, provider: EnvoyExtAuthzHttpProvider, cancel: Cancel, clock: Clock): MeshRequest {
  const headers: HeaderMap = { host: req.authority }
  for (const name in req.headers) {
    if (name === 'host' || name === 'content-length') continue
    if (!ALWAYS_SENT.has(name) && !provider.includeRequestHeadersInCheck.matches(name)) continue
    const value = req.headers[name]
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value
  }
  for (const [name, value] of provider.includeAdditionalHeadersInCheck) headers[name] = value
  // Envoy traces the check as a child of the request's span; here the provider's server span hangs off this
  // sidecar's own, so a trace shows the check under the request it decided.
  if (req.info.span) Object.assign(headers, contextHeaders(req.info.span))
  // undici leaves a zero Content-Length off a GET, which Envoy would send.
  headers['content-length'] = '0'
  return {
    method: req.method,
    path: provider.pathPrefix + req.path,
    authority: req.authority,
    scheme: 'http',
    headers,
    body: null,
    cancel,
    info: newStreamInfo(clock.now()),
  }
}

/** The answer's headers that `names` matches. */
function pick(headers: HeaderMap, names: HeaderNameMatcher): HeaderMap {
  const out: HeaderMap = {}
  if (names.sources.length === 0) return out
  for (const name in headers) if (names.matches(name)) out[name] = headers[name]
  return out
}

/** No list: every header but Host; a list: its headers and the ones a denial always keeps. */
function deniedHeaders(headers: HeaderMap, names: HeaderNameMatcher): HeaderMap {
  const out: HeaderMap = {}
  for (const name in headers) {
    // The listener writes the length of the body it sends; the provider's would be the same.
    if (name === 'host' || name === 'content-length') continue
    if (names.sources.length === 0 || names.matches(name) || ALWAYS_ON_DENY.has(name)) out[name] = headers[name]
  }
  return out
}

function pairs(headers: HeaderMap): (readonly [string, string])[] {
  const out: (readonly [string, string])[] = []
  for (const name in headers) {
    const value = headers[name]
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) out.push([name, v])
  }
  return out
}

/** Adds each header to the response, after any of the same name (Envoy's addCopy). */
function appended(headers: HeaderMap, add: readonly (readonly [string, string])[]): HeaderMap {
  const out: HeaderMap = { ...headers }
  for (const [name, value] of add) {
    const existing = out[name]
    out[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value]
  }
  return out
}

/** The whole answer body as text; too large, or cut off, rejects. */
async function text(body: Body, cancel: Cancel): Promise<string> {
  if (body === null) return ''
  if (typeof body === 'string') return body
  if (Buffer.isBuffer(body)) return body.toString()
  const chunks: Buffer[] = []
  let size = 0
  const unlink = cancel.onAbort((reason) => body.destroy(reason as Error))
  try {
    for await (const chunk of body) {
      const buf = Buffer.from(chunk as Uint8Array)
      size += buf.length
      if (size > MAX_CHECK_BODY_BYTES) {
        body.destroy()
        throw new Error(`ext_authz answer larger than ${MAX_CHECK_BODY_BYTES} bytes`)
      }
      chunks.push(buf)
    }
  } finally {
    unlink()
  }
  return Buffer.concat(chunks).toString()
}

