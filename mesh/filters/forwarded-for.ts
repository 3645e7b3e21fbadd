/**
 * Envoy's X-Forwarded-For / X-Forwarded-Proto handling, as Istio configures it.
 *
 * The ingress gateway runs with `use_remote_address: true`, `xff_num_trusted_hops: 0` and no
 * internal addresses (Envoy ≥ 1.33 trusts none by default; Istio sets none without meshNetworks), so
 * every caller is external: its address is appended to XFF, becomes `x-envoy-external-address`, and
 * `x-forwarded-proto` is overwritten from the connection. Sidecars run with `use_remote_address:
 * false`: XFF passes as it came and `x-forwarded-proto` is only added when absent.
 */
import { headerValue, withHeaders, type Filter } from '../filter.ts'

/**
 * The gateway's edge handling. Place it after edgeSanitize, which drops the caller's own
 * `x-envoy-external-address` with every other `x-envoy-*` header.
 */
export function edgeForwarded(): Filter {
  return (next) =>
    function edgeForwardedFilter(req) {
      // Envoy appends its own address for a loopback peer; on this one machine both are 127.0.0.1.
      const client = req.info.downstreamRemoteAddress
      if (!client) return next(req) // not an IP peer: Envoy appends nothing
      const prior = headerValue(req.headers, 'x-forwarded-for')
      const forwardedFor = prior ? `${prior},${client}` : client // Envoy's delimiter: a bare comma
      req.info.forwardedFor = forwardedFor
      return next(withHeaders(req, { 'x-forwarded-for': forwardedFor, 'x-envoy-external-address': client, 'x-forwarded-proto': req.scheme }))
    }
}

/** A sidecar's transparent mode: only a missing `x-forwarded-proto` is set, from the connection. */
export function forwardedProto(): Filter {
  return (next) =>
    function forwardedProtoFilter(req) {
      if (req.headers['x-forwarded-proto'] !== undefined) return next(req)
      return next(withHeaders(req, { 'x-forwarded-proto': req.scheme }))
    }
}
