/** Hop-by-hop headers (RFC 9110 §7.6.1) are for one connection only: proxies must not forward them. */
import type { HeaderMap } from '../filter.ts'

const HOP_BY_HOP: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'expect'])

/**
 * A copy without hop-by-hop headers. Copying beats `delete` in place: deleting a property turns a
 * V8 object into a slow dictionary, and every filter after this copies these headers again.
 */
export function withoutHopByHop(headers: HeaderMap): HeaderMap {
  const out: HeaderMap = {}
  for (const name in headers) if (!HOP_BY_HOP.has(name)) out[name] = headers[name]
  return out
}
