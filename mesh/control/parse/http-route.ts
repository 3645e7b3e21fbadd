/** One `http[]` route: matches, then exactly one of route / redirect / directResponse, plus its policies. */

import type { HTTPRoute } from '../types.ts'
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
  'mirror', 'mirrors', 'mirrorPercent', 'mirror_percent', 'mirrorPercentage', 'corsPolicy', 'headers',
]

export function httpRoute(v: unknown, field: string, r: Reporter): HTTPRoute | undefined {
  const o = object(v, field, r)
  if (o === undefined) {
    if (absent(v)) r.error('MD0108', field, 'must be a route, not empty')
    return undefined
  }
  checkShape(o, field, r, { fields: FIELDS, quiet: ['delegate'] })
  const before = r.errorCount
  const f = (k: string) => at(field, k)
  if (!absent(o.delegate)) r.error('MD0119', f('delegate'), 'VirtualService delegation is not supported by meshdojo')
  checkConflicts(o, field, r)

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

/** Istio's validateHTTPRouteConflict: a route needs exactly one action, and some settings exclude others. */
function checkConflicts(o: Readonly<Record<string, unknown>>, field: string, r: Reporter): void {
  const has = (k: string) => !absent(o[k]) && !(Array.isArray(o[k]) && (o[k] as unknown[]).length === 0)
  const conflict = (a: string, b: string) => r.error('MD0107', field, `a route cannot have both ${a} and ${b}`)
  if (has('redirect')) {
    for (const other of ['route', 'fault', 'rewrite', 'directResponse']) if (has(other)) conflict(other, 'redirect')
  } else if (has('directResponse')) {
    for (const other of ['route', 'fault', 'rewrite']) if (has(other)) conflict(other, 'directResponse')
  } else if (!has('route') && !has('delegate')) {
    r.error('MD0108', field, 'needs one of route, redirect or directResponse')
  }
}
