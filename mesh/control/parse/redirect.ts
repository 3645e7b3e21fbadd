/** `http[].redirect`: answered by the sidecar itself with a 3xx; `redirectCode` defaults to 301. */

import type { HTTPMatchRequest, HTTPRedirect } from '../types.ts'
import { absent, checkShape, int, object, str, UINT32 } from './fields.ts'
import { portNumber } from './destination.ts'
import { at, type Reporter } from './reporter.ts'

const DERIVE_PORT = ['FROM_PROTOCOL_DEFAULT', 'FROM_REQUEST_PORT'] as const

export function redirect(v: unknown, field: string, r: Reporter, matches: readonly HTTPMatchRequest[]): HTTPRedirect | undefined {
  const o = object(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, { fields: ['uri', 'authority', 'port', 'derivePort', 'scheme', 'redirectCode', 'prefixRewrite'] })
  const f = (k: string) => at(field, k)
  const before = r.errorCount
  const uri = str(o.uri, f('uri'), r)
  const prefixRewrite = str(o.prefixRewrite, f('prefixRewrite'), r)
  const authority = str(o.authority, f('authority'), r)
  const scheme = str(o.scheme, f('scheme'), r)
  const port = portNumber(o.port, f('port'), r)
  const derivePort = str(o.derivePort, f('derivePort'), r)
  const code = int(o.redirectCode, f('redirectCode'), r, UINT32)

  if (uri && prefixRewrite) r.error('MD0107', field, 'only one of uri or prefixRewrite may be set')
  if (prefixRewrite && matches.some((m) => m.uri !== undefined && m.uri.kind !== 'prefix')) {
    r.error('MD0107', f('prefixRewrite'), 'needs every uri match of this route to be a prefix match')
  }
  if (!uri && !prefixRewrite && !authority && !scheme && absent(o.port)) {
    r.error('MD0108', field, 'needs uri, prefixRewrite, authority, scheme or port')
  }
  if (!absent(o.port) && !absent(o.derivePort)) r.error('MD0107', field, 'only one of port or derivePort may be set')
  if (derivePort !== undefined && !(DERIVE_PORT as readonly string[]).includes(derivePort)) {
    r.error('MD0106', f('derivePort'), `must be one of ${DERIVE_PORT.join(', ')}`, derivePort)
  }
  if (scheme !== undefined && scheme !== '' && scheme !== 'http' && scheme !== 'https') {
    r.error('MD0106', f('scheme'), 'must be "http" or "https"', scheme)
  }
  if (code !== undefined && code !== 0 && (code < 300 || code > 399)) {
    r.error('MD0115', f('redirectCode'), 'must be a 3xx status', code)
  }
  if (r.errorCount > before) return undefined
  return {
    ...(uri ? { uri } : {}),
    ...(prefixRewrite ? { prefixRewrite } : {}),
    ...(authority ? { authority } : {}),
    ...(scheme ? { scheme } : {}),
    ...(port === undefined ? {} : { port }),
    ...(derivePort === undefined ? {} : { derivePort: derivePort as HTTPRedirect['derivePort'] }),
    redirectCode: code === undefined || code === 0 ? 301 : code,
  }
}
