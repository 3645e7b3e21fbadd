/**
 * VirtualService `corsPolicy`, as Envoy's CORS filter applies it: a preflight from an allowed origin
 * is answered by the sidecar; other requests from an allowed origin get the allow headers added.
 * Requests from other origins pass through without CORS headers (the browser then blocks them).
 */
import { headerValue, localReply, type Filter, type HeaderMap } from '../filter.ts'
import type { CorsPolicy } from '../control/types.ts'
import { stringMatches } from './route-match.ts'

export function cors(policy: CorsPolicy): Filter {
  return (next) =>
    async function corsFilter(req) {
      const origin = headerValue(req.headers, 'origin')
      if (!origin || !policy.allowOrigins.some((m) => stringMatches(m, origin))) return next(req)
      const common: HeaderMap = { 'access-control-allow-origin': origin }
      if (policy.allowCredentials) common['access-control-allow-credentials'] = 'true'
      const preflight = req.method === 'OPTIONS' && headerValue(req.headers, 'access-control-request-method') !== undefined
      if (preflight) {
        req.info.details = 'cors_response'
        return localReply(200, '', {
          ...common,
          'access-control-allow-methods': policy.allowMethods.join(','),
          'access-control-allow-headers': policy.allowHeaders.join(','),
          ...(policy.maxAgeSeconds !== undefined ? { 'access-control-max-age': String(policy.maxAgeSeconds) } : {}),
        })
      }
      const res = await next(req)
      const expose = policy.exposeHeaders.length ? { 'access-control-expose-headers': policy.exposeHeaders.join(',') } : {}
      return { ...res, headers: { ...res.headers, ...common, ...expose } }
    }
}
