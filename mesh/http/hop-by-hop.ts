/** Hop-by-hop headers (RFC 9110 §7.6.1) are for one connection only: proxies must not forward them. */
import type { HeaderMap } from '../filter.ts'

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'expect']

/** Removes hop-by-hop headers in place; used on objects the caller owns (a fresh parse per request). */
export function stripHopByHop(headers: HeaderMap): HeaderMap {
  for (const name of HOP_BY_HOP) if (headers[name] !== undefined) delete headers[name]
  return headers
}
