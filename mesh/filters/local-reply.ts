/**
 * Outermost filter of every chain: an UpstreamFailure thrown anywhere inside becomes Envoy's local
 * reply (status, literal body, response flag, response code details). Unknown errors become 500.
 */
import type { Cancel, Filter, MeshResponse } from '../filter.ts'
import { localReply } from '../filter.ts'
import { UpstreamFailure } from '../upstream-failure.ts'

export function localReplies(): Filter {
  // then() rather than an async function: one promise less per request on every sidecar.
  return (next) =>
    function localReplyFilter(req) {
      let pending: Promise<MeshResponse>
      try {
        pending = next(req)
      } catch (err) {
        return Promise.resolve(toLocalReply(err, req.info, req.cancel))
      }
      return pending.then(
        (res) => {
          if (!req.info.details) req.info.details = 'via_upstream'
          return res
        },
        (err: unknown) => toLocalReply(err, req.info, req.cancel),
      )
    }
}

function toLocalReply(err: unknown, info: { flags: Set<string>; details: string }, cancel: Cancel): MeshResponse {
  if (err instanceof UpstreamFailure) {
    const reply = err.reply
    info.flags.add(reply.flag)
    info.details = reply.details
    const headers = err.kind === 'overflow' ? { 'x-envoy-overloaded': 'true' } : {}
    return localReply(reply.status, reply.body, headers)
  }
  if (cancel.aborted) {
    // The caller went away: nothing will be written; Envoy logs response code 0 with DC.
    ;(info.flags as Set<string>).add('DC')
    info.details = 'downstream_remote_disconnect'
    return localReply(0, '')
  }
  info.details = 'internal_error'
  return localReply(500, `internal error: ${(err as Error)?.message ?? String(err)}`)
}
