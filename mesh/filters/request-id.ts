/** The first proxy on a request's path (the ingress gateway) gives it an `x-request-id` if it has none. */
import { randomUUID } from 'node:crypto'
import { withHeaders, type Filter } from '../filter.ts'

export function requestId(): Filter {
  return (next) =>
    function requestIdFilter(req) {
      if (req.info.requestId) return next(req)
      req.info.requestId = randomUUID()
      return next(withHeaders(req, { 'x-request-id': req.info.requestId }))
    }
}
