/**
 * Istio's metadata exchange over HTTP: the client sidecar names its workload in
 * `x-envoy-peer-metadata-id`; the server sidecar reads it (to label metrics with the source) and
 * strips it before the app sees the request.
 */
import { headerValue, withHeaders, type Filter, type MeshRequest } from '../filter.ts'
import type { WorkloadIdentity } from './workload.ts'

export const PEER_ID_HEADER = 'x-envoy-peer-metadata-id'

export function announcePeer(self: WorkloadIdentity): Filter {
  const id = `sidecar~127.0.0.1~${self.name}.${self.namespace}~${self.namespace}.svc.cluster.local`
  return (next) =>
    function announcePeerFilter(req) {
      return next(withHeaders(req, { [PEER_ID_HEADER]: id }))
    }
}

/** The calling workload's name from the peer metadata id, if the caller is meshed. */
export function peerWorkload(req: MeshRequest): string | undefined {
  const id = headerValue(req.headers, PEER_ID_HEADER)
  const m = id ? /^[a-z]+~[^~]*~([^.~]+)\./.exec(id) : null
  return m?.[1]
}
