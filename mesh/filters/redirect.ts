/** VirtualService `redirect` and `directResponse`: answered by the sidecar, no upstream involved. */
import { localReply, type Handler } from '../filter.ts'
import type { HTTPDirectResponse, HTTPRedirect, StringMatch } from '../control/types.ts'
import { pathOnly } from './route-match.ts'

export function redirect(spec: HTTPRedirect, listenerPort: number, matchedUri?: StringMatch): Handler {
  const uriHasQuery = spec.uri?.includes('?') ?? false
  return async function redirectHandler(req) {
    const [host, requestPort] = req.authority.split(':')
    const scheme = spec.scheme ?? req.scheme
    const port =
      spec.port ??
      (spec.derivePort === 'FROM_REQUEST_PORT' ? Number(requestPort ?? listenerPort) : spec.derivePort === 'FROM_PROTOCOL_DEFAULT' ? undefined : requestPort ? Number(requestPort) : undefined)
    const authority = spec.authority ?? host ?? ''
    const defaultPort = scheme === 'https' ? 443 : 80
    const original = pathOnly(req.path)
    const prefix = matchedUri?.kind === 'prefix' ? matchedUri.value : ''
    const path = spec.uri ?? (spec.prefixRewrite !== undefined && original.startsWith(prefix) ? spec.prefixRewrite + original.slice(prefix.length) : original)
    // Envoy keeps the request's query (Istio never sets strip_query) unless the new uri has its own.
    const query = uriHasQuery ? '' : req.path.slice(original.length)
    const location = `${scheme}://${authority}${port && port !== defaultPort ? `:${port}` : ''}${path.startsWith('/') ? '' : '/'}${path}${query}`
    req.info.details = 'via_route_redirect'
    return localReply(spec.redirectCode, '', { location })
  }
}

export function directResponse(spec: HTTPDirectResponse): Handler {
  return async function directResponseHandler(req) {
    req.info.details = 'direct_response'
    return localReply(spec.status, spec.body ?? '')
  }
}
