/**
 * The ingress gateway's header sanitizing for callers outside the mesh (Envoy's HCM with
 * `use_remote_address`, as Istio configures gateways): every `x-envoy-*` request header, which
 * would let a caller set its own timeout (`x-envoy-upstream-rq-timeout-ms: 1`), retries or a peer
 * identity, and `x-forwarded-client-cert`, which only a proxy may write. Sidecars keep honouring
 * such headers from their own app, which is inside the mesh. It runs first among the edge filters:
 * the caller's `x-envoy-external-address` goes here, and edgeForwarded then sets the real one.
 */
import type { Filter, HeaderMap } from '../filter.ts'

const XFCC = 'x-forwarded-client-cert'
const isInternalOnly = (name: string) => name.startsWith('x-envoy-') || name === XFCC

export function edgeSanitize(): Filter {
  return (next) =>
    function edgeSanitizeFilter(req) {
      let dirty = false
      for (const name in req.headers) {
        if (isInternalOnly(name)) {
          dirty = true
          break
        }
      }
      if (!dirty) return next(req) // almost every request: nothing to copy
      const headers: HeaderMap = {}
      for (const name in req.headers) if (!isInternalOnly(name)) headers[name] = req.headers[name]
      return next({ ...req, headers })
    }
}
