/** `http[].match[]`: one HTTPMatchRequest (fields inside one block are ANDed; blocks are ORed). */

import { FrozenSet } from '../freeze.ts'
import type { HTTPMatchRequest, NamedMatch } from '../types.ts'
import { bool, checkShape, int, object, str, strList, strMap, UINT32 } from './fields.ts'
import { checkGatewayNames } from './gateway-names.ts'
import { checkLabels, isHeaderName, isIstioLabel } from './names.ts'
import { at, type Reporter } from './reporter.ts'
import { HEADER_RULES, stringMatch, URI_RULES } from './string-match.ts'
import { portNumber } from './destination.ts'

const PSEUDO_HEADERS: ReadonlySet<string> = new FrozenSet([':method', ':scheme', ':authority', ':path', ':status'])

export function httpMatch(v: unknown, field: string, r: Reporter): HTTPMatchRequest | undefined {
  const o = object(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, {
    fields: ['name', 'uri', 'scheme', 'method', 'authority', 'headers', 'withoutHeaders', 'queryParams',
      'ignoreUriCase', 'port', 'sourceLabels', 'sourceNamespace', 'gateways'],
    ignored: { statPrefix: 'statPrefix only renames Envoy stats; meshdojo does not use it' },
  })
  const f = (key: string) => at(field, key)
  const name = str(o.name, f('name'), r)
  const uri = stringMatch(o.uri, f('uri'), r, URI_RULES)
  const scheme = stringMatch(o.scheme, f('scheme'), r, HEADER_RULES)
  const method = stringMatch(o.method, f('method'), r, HEADER_RULES)
  const authority = stringMatch(o.authority, f('authority'), r, HEADER_RULES)
  const headers = namedMatches(o.headers, f('headers'), r, true)
  const withoutHeaders = namedMatches(o.withoutHeaders, f('withoutHeaders'), r, true)
  const queryParams = namedMatches(o.queryParams, f('queryParams'), r, false)
  const ignoreUriCase = bool(o.ignoreUriCase, f('ignoreUriCase'), r) ?? false
  const rawPort = int(o.port, f('port'), r, UINT32)
  const port = rawPort === undefined || rawPort === 0 ? undefined : portNumber(rawPort, f('port'), r)
  const sourceLabels = o.sourceLabels === undefined ? undefined : strMap(o.sourceLabels, f('sourceLabels'), r)
  if (sourceLabels !== undefined) checkLabels(sourceLabels, f('sourceLabels'), r)
  const sourceNamespace = str(o.sourceNamespace, f('sourceNamespace'), r)
  if (sourceNamespace !== undefined && sourceNamespace !== '' && !isIstioLabel(sourceNamespace)) {
    r.error('MD0109', f('sourceNamespace'), 'must be a namespace name (DNS-1123 label)', sourceNamespace)
  }
  const gateways = o.gateways === undefined || o.gateways === null ? undefined : strList(o.gateways, f('gateways'), r)
  if (gateways !== undefined) checkGatewayNames(gateways, f('gateways'), r)

  return {
    ...(name === undefined ? {} : { name }),
    ...(uri === undefined ? {} : { uri }),
    ...(scheme === undefined ? {} : { scheme }),
    ...(method === undefined ? {} : { method }),
    ...(authority === undefined ? {} : { authority }),
    headers,
    withoutHeaders,
    queryParams,
    ignoreUriCase,
    ...(port === undefined ? {} : { port }),
    ...(sourceLabels === undefined || Object.keys(sourceLabels).length === 0 ? {} : { sourceLabels }),
    ...(sourceNamespace === undefined || sourceNamespace === '' ? {} : { sourceNamespace }),
    ...(gateways === undefined || gateways.length === 0 ? {} : { gateways }),
  }
}

/** Istio's `@request.auth.claims.<claim>` / `@request.auth.claims[<claim>]` header names (jwt.ToRoutingClaim). */
export function isJwtClaimRoute(name: string): boolean {
  const PREFIX = '@request.auth.claims'
  if (!name.toLowerCase().startsWith(PREFIX)) return false
  const rest = name.slice(PREFIX.length)
  return (rest.startsWith('.') && rest.length > 1) || (rest.startsWith('[') && rest.endsWith(']') && rest.length > 2)
}

/** Header or query-param map. Header names are checked and lower-cased; query-param names are kept as written. */
function namedMatches(v: unknown, field: string, r: Reporter, isHeader: boolean): NamedMatch[] {
  const o = object(v, field, r)
  const out: NamedMatch[] = []
  for (const [name, value] of Object.entries(o ?? {})) {
    const f = at(field, name)
    if (value === null || value === undefined) {
      r.error('MD0108', f, 'needs a match: one of exact, prefix or regex, or {} for "present"')
      continue
    }
    if (isHeader && !checkHeaderName(name, f, r)) continue
    const match = stringMatch(value, f, r, HEADER_RULES)
    if (match !== undefined) out.push({ name: isHeader ? name.toLowerCase() : name, match })
  }
  return out
}

function checkHeaderName(name: string, field: string, r: Reporter): boolean {
  if (isJwtClaimRoute(name)) {
    // Valid on gateways (virtual-service.ts rejects it elsewhere); no request carries JWT claims here.
    r.warn('MD0104', field, 'JWT claim based routing is not simulated: meshdojo has no RequestAuthentication, so no request has this claim')
    return true
  }
  if (PSEUDO_HEADERS.has(name) || isHeaderName(name)) return true
  r.error('MD0109', field, 'is not a valid header name', name)
  return false
}
