/**
 * Traffic mirroring (`mirror`/`mirrorPercentage`, `mirrors[]`): a copy of the request goes to each
 * mirror cluster with Host `<host>-shadow`, fire-and-forget. Its response is dropped and it can never
 * slow down or fail the primary request. Its trace is not sampled.
 */
import { Cancel, newStreamInfo, replayable, type Filter, type Handler, type HeaderMap, type MeshRequest } from '../filter.ts'
import type { Clock } from '../clock.ts'
import type { Random } from '../random.ts'

export interface MirrorTarget {
  readonly percent: number
  /** The mirror cluster's handler (no retries: Envoy shadows once). */
  readonly handler: Handler
}

export function mirror(targets: readonly MirrorTarget[], deps: { random: Random; clock: Clock }): Filter {
  return (next) =>
    function mirrorFilter(req) {
      // A body past the 1 MiB replay buffer is streamed once, to the primary only (Envoy abandons the shadow).
      if (!replayable(req.body)) return next(req)
      for (const target of targets) {
        if (target.percent >= 100 || (target.percent > 0 && deps.random() * 100 < target.percent)) {
          shadow(target.handler, req, deps.clock)
        }
      }
      return next(req)
    }
}

function shadow(handler: Handler, req: MeshRequest, clock: Clock): void {
  const info = newStreamInfo(clock.now())
  info.mirrored = true
  const authority = shadowAuthority(req.authority)
  const headers: HeaderMap = { ...req.headers, host: authority, 'x-b3-sampled': '0' }
  const traceparent = headers.traceparent
  if (typeof traceparent === 'string') headers.traceparent = traceparent.replace(/-0[01]$/, '-00')
  const copy: MeshRequest = { ...req, authority, headers, info, cancel: new Cancel(), attempt: undefined, upstream: undefined }
  handler(copy).then(
    (res) => {
      const body = res.body
      if (body && typeof body === 'object' && 'resume' in body) body.resume() // drain and drop
    },
    () => {}, // a failing mirror is invisible to the caller
  )
}

/** `reviews:9080` → `reviews-shadow:9080`: Envoy puts the suffix before any port. */
export function shadowAuthority(authority: string): string {
  const colon = authority.lastIndexOf(':')
  return colon > 0 && !authority.endsWith(']') ? `${authority.slice(0, colon)}-shadow${authority.slice(colon)}` : `${authority}-shadow`
}
