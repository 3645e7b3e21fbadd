/** `http[].directResponse {status, body.string|bytes}`: the sidecar answers without an upstream. */

import type { HTTPDirectResponse } from '../types.ts'
import { absent, checkShape, object, str } from './fields.ts'
import { httpStatusCode } from './fault.ts'
import { at, type Reporter } from './reporter.ts'

const KB = 1024
const MB = 1024 * KB

export function directResponse(v: unknown, field: string, r: Reporter): HTTPDirectResponse | undefined {
  const o = object(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, { fields: ['status', 'body'] })
  if (absent(o.status)) r.error('MD0108', at(field, 'status'), 'is required')
  const status = absent(o.status) ? undefined : httpStatusCode(o.status, at(field, 'status'), r)
  const b = body(o.body, at(field, 'body'), r)
  if (status === undefined || b === null) return undefined
  return { status, ...(b === undefined ? {} : { body: b }) }
}

/** The body text; `bytes` is base64 (decoded as UTF-8). Null when invalid. */
function body(v: unknown, field: string, r: Reporter): string | undefined | null {
  const o = object(v, field, r)
  if (o === undefined) return absent(v) ? undefined : null
  checkShape(o, field, r, { fields: ['string', 'bytes'] })
  if (!absent(o.string) && !absent(o.bytes)) {
    r.error('MD0107', field, 'only one of string or bytes may be set')
    return null
  }
  let text: string | undefined
  if (!absent(o.bytes)) {
    const b64 = str(o.bytes, at(field, 'bytes'), r)
    if (b64 === undefined) return null
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 === 1) {
      r.error('MD0102', at(field, 'bytes'), 'must be base64', b64)
      return null
    }
    text = Buffer.from(b64, 'base64').toString('utf8')
  } else {
    text = str(o.string, at(field, 'string'), r)
    if (text === undefined) return absent(o.string) ? undefined : null
  }
  if (text.length > MB) {
    r.error('MD0106', field, 'must be smaller than 1MB')
    return null
  }
  if (text.length > 100 * KB) r.warn('MD0106', field, 'is over 100KB; large direct responses slow down config pushes')
  return text
}
