/** `http[].rewrite`: path (`uri` replaces the matched prefix) or regex rewrite, and authority. */

import type { HTTPRewrite } from '../types.ts'
import { absent, checkShape, object, str } from './fields.ts'
import { compileRewrite } from './regex.ts'
import { at, type Reporter } from './reporter.ts'

export function rewrite(v: unknown, field: string, r: Reporter): HTTPRewrite | undefined {
  const o = object(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, { fields: ['uri', 'authority', 'uriRegexRewrite'] })
  const before = r.errorCount
  const uri = str(o.uri, at(field, 'uri'), r)
  const authority = str(o.authority, at(field, 'authority'), r)
  const regexRewrite = uriRegexRewrite(o.uriRegexRewrite, at(field, 'uriRegexRewrite'), r)
  if (uri && !absent(o.uriRegexRewrite)) r.error('MD0107', field, 'only one of uri or uriRegexRewrite may be set')
  if (!uri && absent(o.uriRegexRewrite) && !authority) r.error('MD0108', field, 'needs uri, uriRegexRewrite or authority')
  if (r.errorCount > before) return undefined
  return {
    ...(uri ? { uri } : {}),
    ...(authority ? { authority } : {}),
    ...(regexRewrite === undefined ? {} : { uriRegexRewrite: regexRewrite }),
  }
}

function uriRegexRewrite(v: unknown, field: string, r: Reporter): HTTPRewrite['uriRegexRewrite'] {
  const o = object(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, { fields: ['match', 'rewrite'] })
  const match = str(o.match, at(field, 'match'), r)
  const replacement = str(o.rewrite, at(field, 'rewrite'), r)
  if (!match || !replacement) {
    r.error('MD0108', field, 'needs both match and rewrite')
    return undefined
  }
  return compileRewrite(match, replacement, { match: at(field, 'match'), rewrite: at(field, 'rewrite') }, r)
}
