/**
 * `trafficPolicy.outlierDetection`. The deprecated `consecutiveErrors` has been ignored by Istio since 1.7
 * (only consecutive5xxErrors and consecutiveGatewayErrors reach Envoy), so it is reported, not used.
 */

import type { OutlierDetection } from '../types.ts'
import { absent, bool, checkShape, int, INT32, listOf, object, UINT32 } from './fields.ts'
import { durationMs } from './duration.ts'
import { at, type Reporter } from './reporter.ts'

const PERCENT = { min: 0, max: 100, must: 'must be an integer from 0 to 100' }
const HTTP_STATUS = { min: 100, max: 599, must: 'must be an HTTP status code from 100 to 599' }

export function outlierDetection(v: unknown, field: string, r: Reporter): OutlierDetection | undefined {
  const o = object(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, {
    fields: ['consecutive5xxErrors', 'consecutiveGatewayErrors', 'interval', 'baseEjectionTime', 'maxEjectionPercent', 'minHealthPercent'],
    ignored: {
      splitExternalLocalOriginErrors: 'splitExternalLocalOriginErrors is not simulated: local failures count as 5xx',
      consecutiveLocalOriginFailures: 'consecutiveLocalOriginFailures is not simulated: local failures count as 5xx',
      outlierDetectionHttpErrorCodes: 'outlierDetectionHttpErrorCodes is not simulated',
    },
    quiet: ['consecutiveErrors'],
  })
  const f = (k: string) => at(field, k)
  if (!absent(o.consecutiveErrors)) {
    r.warn('MD0105', f('consecutiveErrors'), 'is deprecated and ignored by Istio; use consecutive5xxErrors or consecutiveGatewayErrors', o.consecutiveErrors)
  }
  int(o.consecutiveErrors, f('consecutiveErrors'), r, INT32)
  const split = bool(o.splitExternalLocalOriginErrors, f('splitExternalLocalOriginErrors'), r) ?? false
  const localOrigin = int(o.consecutiveLocalOriginFailures, f('consecutiveLocalOriginFailures'), r, UINT32)
  if (localOrigin !== undefined && localOrigin > 0 && !split) {
    r.error('MD0107', f('consecutiveLocalOriginFailures'), 'is set, but splitExternalLocalOriginErrors is false; set it to true')
  }
  listOf(o.outlierDetectionHttpErrorCodes, f('outlierDetectionHttpErrorCodes'), r, (code, cf) => int(code, cf, r, HTTP_STATUS))
  const consecutive5xxErrors = int(o.consecutive5xxErrors, f('consecutive5xxErrors'), r, UINT32)
  const consecutiveGatewayErrors = int(o.consecutiveGatewayErrors, f('consecutiveGatewayErrors'), r, UINT32)
  const intervalMs = durationMs(o.interval, f('interval'), r)
  const baseEjectionTimeMs = durationMs(o.baseEjectionTime, f('baseEjectionTime'), r)
  const maxEjectionPercent = int(o.maxEjectionPercent, f('maxEjectionPercent'), r, PERCENT)
  const minHealthPercent = int(o.minHealthPercent, f('minHealthPercent'), r, PERCENT)
  return {
    ...(consecutive5xxErrors === undefined ? {} : { consecutive5xxErrors }),
    ...(consecutiveGatewayErrors === undefined ? {} : { consecutiveGatewayErrors }),
    ...(intervalMs === undefined ? {} : { intervalMs }),
    ...(baseEjectionTimeMs === undefined ? {} : { baseEjectionTimeMs }),
    // 0 leaves Envoy's default (10%), as Istio only sets it when positive
    ...(maxEjectionPercent === undefined || maxEjectionPercent === 0 ? {} : { maxEjectionPercent }),
    ...(minHealthPercent === undefined ? {} : { minHealthPercent }),
  }
}
