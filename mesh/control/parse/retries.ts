/**
 * `http[].retries`, translated as Istio does (retry.go): `attempts` counts retries, a missing `retryOn` takes
 * Istio's default list, bare status codes imply `retriable-status-codes`, `retryIgnorePreviousHosts` defaults
 * to true and `backoff` to Envoy's 25 ms.
 */

import { FrozenSet, deepFreeze } from '../freeze.ts'
import type { HTTPRetry, RetryCondition } from '../types.ts'
import { absent, bool, checkShape, int, NON_NEGATIVE_INT32, object, str } from './fields.ts'
import { durationMs } from './duration.ts'
import { at, type Reporter } from './reporter.ts'

export const RETRY_CONDITIONS: readonly RetryCondition[] = [
  '5xx', 'gateway-error', 'reset', 'reset-before-request', 'connect-failure', 'envoy-ratelimited', 'retriable-4xx',
  'refused-stream', 'retriable-status-codes', 'retriable-headers', 'http3-post-connect-failure',
  'cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable',
]

/** Istio's retryOn when a policy sets none (and the mesh default's list). */
const DEFAULT_RETRY_ON: readonly RetryCondition[] = [
  'connect-failure', 'refused-stream', 'unavailable', 'cancelled', 'retriable-status-codes',
]

const DEFAULT_BACKOFF_MS = 25

/**
 * The policy a route gets when its VirtualService says nothing about retries: Istio's mesh default
 * (2 retries; an app's 503 is not retried because the status list is empty).
 */
export const MESH_DEFAULT_RETRY: HTTPRetry = deepFreeze({
  attempts: 2,
  retryOn: new FrozenSet(DEFAULT_RETRY_ON),
  retriableStatusCodes: new FrozenSet<number>(),
  retryIgnorePreviousHosts: true,
  backoffMs: DEFAULT_BACKOFF_MS,
})

/** Status codes Go's net/http knows (http.StatusText), which is what Istio accepts as a bare code. */
const KNOWN_STATUS: ReadonlySet<number> = new FrozenSet([
  100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 307, 308,
  400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 421, 422, 423,
  424, 425, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
])

export function retries(v: unknown, field: string, r: Reporter): HTTPRetry | undefined {
  const o = object(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, {
    fields: ['attempts', 'perTryTimeout', 'retryOn', 'retryIgnorePreviousHosts', 'backoff'],
    quiet: ['retryRemoteLocalities'], // one locality in the simulator: nothing to prefer
  })
  const f = (k: string) => at(field, k)
  const attempts = int(o.attempts, f('attempts'), r, NON_NEGATIVE_INT32) ?? (absent(o.attempts) ? 0 : undefined)
  const perTryTimeoutMs = durationMs(o.perTryTimeout, f('perTryTimeout'), r)
  const retryOnText = str(o.retryOn, f('retryOn'), r)
  const parsedOn = retryOnText === undefined || retryOnText === '' ? undefined : retryOn(retryOnText, f('retryOn'), r)
  const retryIgnorePreviousHosts = bool(o.retryIgnorePreviousHosts, f('retryIgnorePreviousHosts'), r) ?? true
  const backoffMs = durationMs(o.backoff, f('backoff'), r) ?? DEFAULT_BACKOFF_MS
  if (attempts === 0 && (!absent(o.perTryTimeout) || (retryOnText ?? '') !== '' || !absent(o.retryRemoteLocalities))) {
    r.error('MD0107', f('attempts'), 'is 0, which disables retries, yet other retry settings are set; set attempts above 0', 0)
    return undefined
  }
  if (attempts === undefined || parsedOn === null) return undefined
  const conditions = parsedOn?.conditions ?? DEFAULT_RETRY_ON
  return {
    attempts,
    ...(perTryTimeoutMs === undefined ? {} : { perTryTimeoutMs }),
    retryOn: new FrozenSet(attempts === 0 ? [] : conditions),
    retriableStatusCodes: new FrozenSet(parsedOn?.codes ?? []),
    retryIgnorePreviousHosts,
    backoffMs,
  }
}

/** Comma list of conditions and bare codes (no spaces, as Istio's validation requires). Null when invalid. */
function retryOn(text: string, field: string, r: Reporter): { conditions: RetryCondition[]; codes: number[] } | null {
  const conditions: RetryCondition[] = []
  const codes: number[] = []
  let ok = true
  for (const part of text.split(',')) {
    if ((RETRY_CONDITIONS as readonly string[]).includes(part)) {
      conditions.push(part as RetryCondition)
    } else if (/^\d+$/.test(part) && KNOWN_STATUS.has(Number(part))) {
      codes.push(Number(part))
    } else {
      ok = false
      const trimmed = part.trim()
      const why = trimmed !== part && (RETRY_CONDITIONS as readonly string[]).includes(trimmed)
        ? 'remove the spaces around commas'
        : `use Envoy conditions (${RETRY_CONDITIONS.join(', ')}) or HTTP status codes`
      r.error('MD0116', field, `${JSON.stringify(part)} is not a valid retryOn policy; ${why}`, text)
    }
  }
  if (!ok) return null
  if (codes.length > 0 && !conditions.includes('retriable-status-codes')) conditions.push('retriable-status-codes')
  return { conditions, codes }
}
