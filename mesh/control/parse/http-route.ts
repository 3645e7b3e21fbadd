/**
 * One `http[]` route: matches, then exactly one of route / redirect / directResponse, plus its policies; or,
 * in a root VirtualService, `delegate` instead of route and redirect (Istio's validateHTTPRouteConflict).
 */

import type { HTTPDelegate, HTTPRoute } from '../types.ts'
import { absent, checkShape, listOf, object, str } from './fields.ts'
import { corsPolicy } from './cors.ts'
import { directResponse } from './direct-response.ts'
import { durationMs } from './duration.ts'
import { fault } from './fault.ts'
import { authorityFromHeaders, headersSpec } from './headers.ts'
import { httpMatch } from './http-match.ts'
import { mirrors } from './mirrors.ts'
import { redirect } from './redirect.ts'
import { at, type Reporter } from './reporter.ts'
import { retries } from './retries.ts'
import { rewrite } from './rewrite.ts'
import { routeDestinations } from './route-destinations.ts'

const FIELDS = [
  'name', 'match', 'route', 'redirect', 'directResponse', 'rewrite', 'timeout', 'retries', 'fault',
  'mirror', 'mirrors', 'mirrorPercent', 'mirror_percent', 'mirrorPercentage', 'corsPolicy', 'headers', 'delegate',
]

export interface HTTPRouteContext {
  /** The route belongs to a delegate VirtualService (one without hosts), which may not delegate again. */
  readonly inDelegate: boolean
}

export function httpRoute(v: unknown, field: string, r: Reporter, ctx: HTTPRouteContext): HTTPRoute | undefined {
  const o = object(v, field, r)
  if (o === undefined) {
    if (absent(v)) r.error('MD0108', field, 'must be a route, not empty')
    return undefined
  }
  checkShape(o, field, r, { fields: FIELDS })
  const before = r.errorCount
  const f = (k: string) => at(field, k)
  // Istio's three route types: a root route delegates, a delegate's route may not, any other is independent.
  const isRoot = !ctx.inDelegate && !absent(o.delegate)
  if (ctx.inDelegate && !absent(o.delegate)) {
    r.error('MD0119', f('delegate'), 'only one level of delegation is supported: a delegate VirtualService (no hosts) cannot delegate again')
  }
  if (isRoot) checkRootConflicts(o, field, r)
  else checkConflicts(o, field, r)
  const delegateOut = isRoot ? delegate(o.delegate, f('delegate'), r) : undefined

  const name = str(o.name, f('name'), r)
  const match = listOf(o.match, f('match'), r, (item, itemField) => httpMatch(item, itemField, r))
  const route = routeDestinations(o.route, f('route'), r)
  const redirectOut = redirect(o.redirect, f('redirect'), r, match)
  const direct = directResponse(o.directResponse, f('directResponse'), r)
  const rewriteOut = rewrite(o.rewrite, f('rewrite'), r)
  const timeoutMs = durationMs(o.timeout, f('timeout'), r)
  const retriesOut = retries(o.retries, f('retries'), r)
  const faultOut = fault(o.fault, f('fault'), r)
  const mirrorList = mirrors(o, field, r)
  const cors = corsPolicy(o.corsPolicy, f('corsPolicy'), r)
  const headers = headersSpec(o.headers, f('headers'), r)

  const headerAuthority = authorityFromHeaders(headers)
  if (rewriteOut?.authority && headerAuthority !== undefined) {
    r.error('MD0107', f('headers'), `sets the authority again; rewrite.authority already sets it to ${JSON.stringify(rewriteOut.authority)}`, headerAuthority)
  }
  if (r.errorCount > before || route === null || mirrorList === null) return undefined
  return {
    ...(name === undefined ? {} : { name }),
    match,
    route,
    ...(delegateOut === undefined ? {} : { delegate: delegateOut }),
    ...(redirectOut === undefined ? {} : { redirect: redirectOut }),
    ...(direct === undefined ? {} : { directResponse: direct }),
    ...(rewriteOut === undefined ? {} : { rewrite: rewriteOut }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    ...(retriesOut === undefined ? {} : { retries: retriesOut }),
    ...(faultOut === undefined ? {} : { fault: faultOut }),
    mirrors: mirrorList,
    ...(cors === undefined ? {} : { corsPolicy: cors }),
    ...(headers === undefined ? {} : { headers }),
  }
}

/**
 * A root route (one with `delegate`): Istio refuses only `route` and `redirect` next to it and checks nothing
 * else here. Its other settings (directResponse included) are inherited by the delegate's routes that lack them.
 */
function checkRootConflicts(o: Readonly<Record<string, unknown>>, field: string, r: Reporter): void {
  for (const other of ['route', 'redirect']) {
    if (hasField(o, other)) r.error('MD0107', field, `a route cannot have both delegate and ${other}: the delegate VirtualService's routes say where requests go`)
  }
}

/** `delegate: {name, namespace}`. Istio checks neither; an empty name finds no VirtualService. */
function delegate(v: unknown, field: string, r: Reporter): HTTPDelegate | undefined {
  const o = object(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, { fields: ['name', 'namespace'] })
  const name = str(o.name, at(field, 'name'), r) ?? ''
  const namespace = str(o.namespace, at(field, 'namespace'), r)
  if (name === '') r.warn('MD0121', at(field, 'name'), 'is empty: no VirtualService has that name, so Istio skips this route')
  return { name, ...(namespace === undefined || namespace === '' ? {} : { namespace }) }
}

const hasField = (o: Readonly<Record<string, unknown>>, k: string) => !absent(o[k]) && !(Array.isArray(o[k]) && (o[k] as unknown[]).length === 0)

/** Istio's validateHTTPRouteConflict: a route needs exactly one action, and some settings exclude others. */
function checkConflicts(o: Readonly<Record<string, unknown>>, field: string, r: Reporter): void {
  const has = (k: string) => hasField(o, k)
  const conflict = (a: string, b: string) => r.error('MD0107', field, `a route cannot have both ${a} and ${b}`)
  if (has('redirect')) {
    for (const other of ['route', 'fault', 'rewrite', 'directResponse']) if (has(other)) conflict(other, 'redirect')
  } else if (has('directResponse')) {
    for (const other of ['route', 'fault', 'rewrite']) if (has(other)) conflict(other, 'directResponse')
  } else if (!has('route')) {
    r.error('MD0108', field, 'needs one of route, redirect or directResponse')
  }
}
