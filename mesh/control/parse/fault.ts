/**
 * `http[].fault`: delay and abort. A missing percentage means 0%: the fault never fires (Istio's documented
 * default), which is the most common reason "my fault does nothing", so it gets a warning.
 */

import type { HTTPFaultInjection } from '../types.ts'
import { absent, checkShape, int, INT32, object, str } from './fields.ts'
import { durationMs } from './duration.ts'
import { integerPercent, percentage } from './percent.ts'
import { at, type Reporter } from './reporter.ts'

type Delay = NonNullable<HTTPFaultInjection['delay']>
type Abort = NonNullable<HTTPFaultInjection['abort']>

/** gRPC status names Istio accepts for `abort.grpcStatus`, in code order (the `grpc-status` the abort answers). */
const GRPC_STATUS_NAMES: readonly string[] = Object.freeze([
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS',
  'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED',
  'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
])

const NEVER_FIRES = "has no percentage, and Istio's default is 0%: it never fires. Add percentage: {value: 100}"

export function fault(v: unknown, field: string, r: Reporter): HTTPFaultInjection | undefined {
  const o = object(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, { fields: ['delay', 'abort'] })
  if (absent(o.delay) && absent(o.abort)) {
    r.error('MD0108', field, 'needs delay, abort, or both')
    return undefined
  }
  const delayOut = delay(o.delay, at(field, 'delay'), r)
  const abortOut = abort(o.abort, at(field, 'abort'), r)
  if (delayOut === undefined && abortOut === undefined) return undefined
  return { ...(delayOut === undefined ? {} : { delay: delayOut }), ...(abortOut === undefined ? {} : { abort: abortOut }) }
}

function delay(v: unknown, field: string, r: Reporter): Delay | undefined {
  const o = object(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, { fields: ['fixedDelay', 'exponentialDelay', 'percentage', 'percent'] })
  if (!absent(o.exponentialDelay)) {
    if (!absent(o.fixedDelay)) r.error('MD0107', field, 'only one of fixedDelay or exponentialDelay may be set')
    else r.error('MD0119', at(field, 'exponentialDelay'), 'is not supported (Istio rejects it too); use fixedDelay')
    return undefined
  }
  const fixedDelayMs = durationMs(o.fixedDelay, at(field, 'fixedDelay'), r)
  const percent = delayPercent(o, field, r)
  if (absent(o.fixedDelay)) {
    r.warn('MD0121', field, 'has no fixedDelay, so Istio ignores this delay')
    return undefined
  }
  if (fixedDelayMs === undefined || percent === undefined) return undefined
  return { fixedDelayMs, percent }
}

/** `percentage.value`, else the deprecated integer `percent`, else 0 (with a warning). */
function delayPercent(o: Readonly<Record<string, unknown>>, field: string, r: Reporter): number | undefined {
  if (!absent(o.percent)) {
    const hint = absent(o.percentage) ? `; use percentage: {value: ${JSON.stringify(o.percent)}}` : ' and ignored because percentage is set'
    r.warn('MD0105', at(field, 'percent'), `is deprecated${hint}`)
  }
  if (!absent(o.percentage)) return percentage(o.percentage, at(field, 'percentage'), r)
  if (!absent(o.percent)) return integerPercent(o.percent, at(field, 'percent'), r)
  r.warn('MD0121', field, NEVER_FIRES)
  return 0
}

function abort(v: unknown, field: string, r: Reporter): Abort | undefined {
  const o = object(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, {
    fields: ['httpStatus', 'grpcStatus', 'http2Error', 'percentage'],
    removed: { percent: 'use percentage: {value: N}' },
  })
  const kinds = (['httpStatus', 'grpcStatus', 'http2Error'] as const).filter((k) => !absent(o[k]))
  if (kinds.length > 1) {
    r.error('MD0107', field, `only one of httpStatus, grpcStatus or http2Error may be set, got ${kinds.join(' and ')}`)
    return undefined
  }
  let percent: number | undefined = 0
  if (absent(o.percentage)) r.warn('MD0121', field, NEVER_FIRES)
  else percent = percentage(o.percentage, at(field, 'percentage'), r)
  const kind = kinds[0]
  if (kind === undefined) {
    // Istio's webhook only warns, and its translation drops such an abort.
    r.warn('MD0121', field, 'has no httpStatus or grpcStatus, so Istio ignores this abort')
    return undefined
  }
  if (kind === 'http2Error') {
    r.error('MD0119', at(field, kind), 'HTTP/2 abort fault injection is not supported (Istio rejects it too)')
    return undefined
  }
  if (kind === 'httpStatus') {
    const httpStatus = httpStatusCode(o.httpStatus, at(field, kind), r)
    return httpStatus === undefined || percent === undefined ? undefined : { httpStatus, percent }
  }
  const grpcStatus = str(o.grpcStatus, at(field, kind), r)
  if (grpcStatus === undefined) return undefined
  const grpcCode = GRPC_STATUS_NAMES.indexOf(grpcStatus)
  if (grpcCode < 0) {
    r.error('MD0115', at(field, kind), `must be a gRPC status name such as "UNAVAILABLE" or "NOT_FOUND"`, grpcStatus)
    return undefined
  }
  return percent === undefined ? undefined : { grpcStatus, grpcCode, percent }
}

/**
 * An abort or direct-response status as Istio's webhook accepts it: 200–600. Envoy itself only takes 200–599,
 * so 600 passes validation but a cluster's proxies reject the route: a warning.
 */
export function httpStatusCode(v: unknown, field: string, r: Reporter): number | undefined {
  const n = int(v, field, r, INT32)
  if (n === undefined) return undefined
  if (n < 200 || n > 600) {
    r.error('MD0115', field, 'must be an HTTP status from 200 to 599', n)
    return undefined
  }
  if (n === 600) r.warn('MD0121', field, "Istio accepts 600, but Envoy only sends 200 to 599: on a cluster, the proxies reject this route", n)
  return n
}
