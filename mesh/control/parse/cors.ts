/** `http[].corsPolicy`. The deprecated `allowOrigin` strings become exact matches (used only without `allowOrigins`). */

import type { CorsPolicy, StringMatch } from '../types.ts'
import { absent, bool, checkShape, listOf, object, strList } from './fields.ts'
import { durationMs } from './duration.ts'
import { isHeaderName } from './names.ts'
import { at, type Reporter } from './reporter.ts'
import { ORIGIN_RULES, stringMatch } from './string-match.ts'

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', '*']

export function corsPolicy(v: unknown, field: string, r: Reporter): CorsPolicy | undefined {
  const o = object(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, {
    fields: ['allowOrigins', 'allowOrigin', 'allowMethods', 'allowHeaders', 'exposeHeaders', 'maxAge', 'allowCredentials'],
    ignored: { unmatchedPreflights: 'unmatchedPreflights is not simulated; preflights that match no origin are forwarded' },
  })
  const f = (k: string) => at(field, k)
  const before = r.errorCount
  let allowOrigins: StringMatch[] = listOf(o.allowOrigins, f('allowOrigins'), r, (item, itemField) =>
    stringMatch(item, itemField, r, ORIGIN_RULES),
  )
  if (!absent(o.allowOrigin)) {
    const legacy = strList(o.allowOrigin, f('allowOrigin'), r)
    if (absent(o.allowOrigins)) {
      r.warn('MD0105', f('allowOrigin'), 'is deprecated; use allowOrigins: [{exact: ...}]')
      allowOrigins = legacy.map((value) => ({ kind: 'exact', value }))
    } else {
      r.warn('MD0105', f('allowOrigin'), 'is deprecated and ignored because allowOrigins is set')
    }
  }
  const allowMethods = strList(o.allowMethods, f('allowMethods'), r)
  allowMethods.forEach((m, i) => {
    if (!METHODS.includes(m)) r.error('MD0106', at(f('allowMethods'), i), `must be one of ${METHODS.join(', ')}`, m)
  })
  const headerNames = (key: string) => {
    const names = strList(o[key], f(key), r)
    names.forEach((n, i) => {
      if (n !== '*' && !isHeaderName(n)) r.error('MD0109', at(f(key), i), 'is not a valid header name', n)
    })
    return names
  }
  const allowHeaders = headerNames('allowHeaders')
  const exposeHeaders = headerNames('exposeHeaders')
  const maxAgeMs = durationMs(o.maxAge, f('maxAge'), r)
  if (maxAgeMs !== undefined && maxAgeMs % 1000 !== 0) {
    r.error('MD0112', f('maxAge'), 'must be a whole number of seconds', o.maxAge)
  }
  const allowCredentials = bool(o.allowCredentials, f('allowCredentials'), r)
  if (r.errorCount > before) return undefined
  return {
    allowOrigins,
    allowMethods,
    allowHeaders,
    exposeHeaders,
    ...(maxAgeMs === undefined ? {} : { maxAgeSeconds: maxAgeMs / 1000 }),
    ...(allowCredentials === undefined ? {} : { allowCredentials }),
  }
}
