/**
 * meshdojo.dev/v1alpha1 LocalRateLimit `spec`: Envoy's local rate limit (token bucket) on the inbound
 * side of the selected workloads, per workload and per route, without writing an EnvoyFilter.
 *
 *   spec:
 *     selector: {matchLabels: {app: ratings}}
 *     tokenBucket: {maxTokens: 10, tokensPerFill: 10, fillInterval: 1s}   # every other request
 *     routes:
 *     - name: ratings-api
 *       match: [{uri: {prefix: /ratings}}]
 *       tokenBucket: {maxTokens: 5, tokensPerFill: 5, fillInterval: 1s}
 */

import { stableStringify } from '../stable-json.ts'
import type { LocalRateLimitRoute, LocalRateLimitSpec, TokenBucket } from '../types.ts'
import { absent, checkShape, int, listOf, object, requiredObject, str } from './fields.ts'
import { durationMs } from './duration.ts'
import { httpMatch } from './http-match.ts'
import { at, type Reporter } from './reporter.ts'
import { workloadSelector } from './workload-selector.ts'

const POSITIVE = { min: 1, max: 2 ** 32 - 1, must: 'must be a positive integer' }

export function localRateLimitSpec(v: unknown, field: string, r: Reporter): LocalRateLimitSpec | undefined {
  const o = requiredObject(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, { fields: ['selector', 'tokenBucket', 'routes'] })
  const before = r.errorCount
  const selector = workloadSelector(o.selector, at(field, 'selector'), r)
  const tokenBucket = absent(o.tokenBucket) ? undefined : bucket(o.tokenBucket, at(field, 'tokenBucket'), r)
  const routes = listOf(o.routes, at(field, 'routes'), r, (item, f) => route(item, f, r))
  if (absent(o.tokenBucket) && routes.length === 0 && r.errorCount === before) {
    r.error('MD0108', field, 'needs a tokenBucket, routes with their own tokenBucket, or both')
  }
  if (r.errorCount > before) return undefined
  return { ...(selector === undefined ? {} : { selector }), ...(tokenBucket === undefined ? {} : { tokenBucket }), routes }
}

function route(v: unknown, field: string, r: Reporter): LocalRateLimitRoute | undefined {
  const o = object(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, { fields: ['name', 'match', 'tokenBucket'] })
  const name = str(o.name, at(field, 'name'), r)
  const match = listOf(o.match, at(field, 'match'), r, (item, f) => httpMatch(item, f, r))
  const tokenBucket = bucket(o.tokenBucket, at(field, 'tokenBucket'), r)
  if (tokenBucket === undefined) return undefined
  return { ...(name === undefined ? {} : { name }), match, tokenBucket, bucketKey: stableStringify(o) }
}

function bucket(v: unknown, field: string, r: Reporter): TokenBucket | undefined {
  const o = requiredObject(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, { fields: ['maxTokens', 'tokensPerFill', 'fillInterval'] })
  const f = (k: string) => at(field, k)
  if (absent(o.maxTokens)) r.error('MD0108', f('maxTokens'), 'is required')
  if (absent(o.fillInterval)) r.error('MD0108', f('fillInterval'), 'is required (e.g. 1s)')
  const maxTokens = int(o.maxTokens, f('maxTokens'), r, POSITIVE)
  // Envoy's default: one token per fill.
  const tokensPerFill = absent(o.tokensPerFill) ? 1 : int(o.tokensPerFill, f('tokensPerFill'), r, POSITIVE)
  const fillIntervalMs = durationMs(o.fillInterval, f('fillInterval'), r)
  if (fillIntervalMs !== undefined && fillIntervalMs < 50) r.error('MD0112', f('fillInterval'), 'must be at least 50ms, as Envoy requires', o.fillInterval)
  if (maxTokens === undefined || tokensPerFill === undefined || fillIntervalMs === undefined || fillIntervalMs < 50) return undefined
  return { maxTokens, tokensPerFill, fillIntervalMs }
}
