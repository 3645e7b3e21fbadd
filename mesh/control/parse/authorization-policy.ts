/**
 * AuthorizationPolicy `spec` (security.istio.io/v1): Istio's validation webhook checks, plus what
 * meshdojo cannot simulate. CUSTOM (ext_authz) and targetRef (waypoints, Gateway API) are rejected;
 * request principals parse but never match, since no RequestAuthentication (JWT) exists here.
 */

import { isIP } from 'node:net'
import type {
  AuthorizationAction,
  AuthorizationCondition,
  AuthorizationOperation,
  AuthorizationPolicySpec,
  AuthorizationRule,
  AuthorizationSource,
} from '../types.ts'
import { absent, checkShape, list, listOf, object, str, strList, type Obj } from './fields.ts'
import { at, type Reporter } from './reporter.ts'
import { workloadSelector } from './workload-selector.ts'

const ACTIONS = ['ALLOW', 'DENY', 'AUDIT', 'CUSTOM'] as const

const SOURCE_FIELDS = [
  'principals', 'notPrincipals', 'requestPrincipals', 'notRequestPrincipals', 'namespaces', 'notNamespaces',
  'serviceAccounts', 'notServiceAccounts', 'trustDomains', 'notTrustDomains', 'ipBlocks', 'notIpBlocks',
  'remoteIpBlocks', 'notRemoteIpBlocks',
] as const satisfies readonly (keyof AuthorizationSource)[]

const OPERATION_FIELDS = ['hosts', 'notHosts', 'ports', 'notPorts', 'methods', 'notMethods', 'paths', 'notPaths'] as const satisfies readonly (keyof AuthorizationOperation)[]

const NO_JWT = 'meshdojo has no RequestAuthentication (JWT): no request has a request principal, so these values never match (and their "not" forms always do)'

export function authorizationPolicySpec(v: unknown, field: string, r: Reporter): AuthorizationPolicySpec | undefined {
  // `spec: {}` is valid: an ALLOW policy with no rules, which denies every request to the namespace.
  const o = absent(v) ? {} : object(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, { fields: ['selector', 'action', 'rules', 'provider', 'targetRef', 'targetRefs'] })
  const before = r.errorCount
  const selector = workloadSelector(o.selector, at(field, 'selector'), r)
  for (const key of ['targetRef', 'targetRefs'] as const) {
    if (!absent(o[key])) r.error('MD0119', at(field, key), `${key} (waypoints, Gateway API) is not supported; use selector to pick sidecar workloads`)
  }
  const actionText = str(o.action, at(field, 'action'), r) ?? 'ALLOW'
  if (!(ACTIONS as readonly string[]).includes(actionText)) {
    r.error('MD0106', at(field, 'action'), `must be one of ${ACTIONS.join(', ')}`, actionText)
  } else if (actionText === 'CUSTOM') {
    r.error('MD0119', at(field, 'action'), 'CUSTOM is not supported: meshdojo has no external authorizer (ext_authz provider); use ALLOW or DENY')
  } else if (!absent(o.provider)) {
    r.error('MD0107', at(field, 'provider'), `\`provider\` must not be with non CUSTOM action, found ${actionText}`)
  }
  const rulesField = at(field, 'rules')
  if (actionText === 'DENY' && absent(o.rules)) {
    r.error('MD0108', rulesField, 'DENY action without `rules` is meaningless as it will never be triggered, add an empty rule `{}` if you want it be triggered for every request')
  }
  const rules = listOf(o.rules, rulesField, r, (item, f) => rule(item, f, r))
  if (r.errorCount > before) return undefined
  return { ...(selector === undefined ? {} : { selector }), action: actionText as AuthorizationAction, rules }
}

function rule(v: unknown, field: string, r: Reporter): AuthorizationRule | undefined {
  if (absent(v)) {
    r.error('MD0108', field, '`rule` must not be null; write {} for a rule that matches every request')
    return undefined
  }
  const o = object(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, { fields: ['from', 'to', 'when'] })
  const from = clauses(o.from, at(field, 'from'), 'source', r, source)
  const to = clauses(o.to, at(field, 'to'), 'operation', r, operation)
  const when = listOf(o.when, at(field, 'when'), r, (item, f) => condition(item, f, r))
  return { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }), when }
}

/** `from: [{source: …}]` / `to: [{operation: …}]`: a present list must not be empty, nor any item. */
function clauses<T>(v: unknown, field: string, key: string, r: Reporter, parse: (o: Obj, field: string, r: Reporter) => T | undefined): T[] | undefined {
  const items = list(v, field, r)
  if (items === undefined) return undefined
  if (items.length === 0) r.error('MD0108', field, `\`${field.split('.').pop()}\` must not be empty; remove it to match anything`)
  const out: T[] = []
  items.forEach((item, i) => {
    const f = at(field, i)
    const o = object(item, f, r)
    if (o === undefined) {
      if (absent(item)) r.error('MD0108', f, `needs ${key}`)
      return
    }
    checkShape(o, f, r, { fields: [key] })
    const inner = object(o[key], at(f, key), r)
    if (inner === undefined) {
      r.error('MD0108', at(f, key), 'is required')
      return
    }
    const parsed = parse(inner, at(f, key), r)
    if (parsed !== undefined) out.push(parsed)
  })
  return out
}

function source(o: Obj, field: string, r: Reporter): AuthorizationSource | undefined {
  checkShape(o, field, r, { fields: SOURCE_FIELDS })
  const s = Object.fromEntries(SOURCE_FIELDS.map((k) => [k, values(o[k], at(field, k), r)])) as Record<(typeof SOURCE_FIELDS)[number], string[]>
  if (SOURCE_FIELDS.every((k) => s[k].length === 0)) r.error('MD0108', field, '`from.source` must not be empty')
  if (s.principals.length + s.notPrincipals.length + s.namespaces.length + s.notNamespaces.length > 0 && s.serviceAccounts.length + s.notServiceAccounts.length > 0) {
    r.error('MD0107', field, 'cannot set serviceAccounts with namespaces or principals')
  }
  for (const k of ['principals', 'notPrincipals', 'namespaces', 'notNamespaces'] as const) checkWildcards(s[k], at(field, k), r)
  for (const k of ['serviceAccounts', 'notServiceAccounts'] as const) checkServiceAccounts(s[k], at(field, k), r)
  for (const k of ['trustDomains', 'notTrustDomains'] as const) {
    checkWildcards(s[k], at(field, k), r)
    s[k].forEach((d, i) => d.includes('/') && r.error('MD0106', at(at(field, k), i), "trust domain must not contain '/'", d))
  }
  for (const k of ['ipBlocks', 'notIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks'] as const) checkIps(s[k], at(field, k), r)
  for (const k of ['requestPrincipals', 'notRequestPrincipals'] as const) if (s[k].length > 0) r.warn('MD0104', at(field, k), NO_JWT)
  return s
}

function operation(o: Obj, field: string, r: Reporter): AuthorizationOperation | undefined {
  checkShape(o, field, r, { fields: OPERATION_FIELDS })
  const op = Object.fromEntries(OPERATION_FIELDS.map((k) => [k, values(o[k], at(field, k), r)])) as Record<(typeof OPERATION_FIELDS)[number], string[]>
  if (OPERATION_FIELDS.every((k) => op[k].length === 0)) r.error('MD0108', field, '`to.operation` must not be empty')
  for (const k of ['ports', 'notPorts'] as const) checkPorts(op[k], at(field, k), r)
  for (const k of ['paths', 'notPaths'] as const) checkPathTemplates(op[k], at(field, k), r)
  return op
}

/** Keys of `when` conditions that meshdojo evaluates (plus the JWT ones, which never match). */
const WHEN_EXACT = new Set(['source.ip', 'remote.ip', 'source.namespace', 'source.serviceAccount', 'source.principal', 'source.trustDomain',
  'request.auth.principal', 'request.auth.audiences', 'request.auth.presenter', 'destination.ip', 'destination.port', 'connection.sni'])

function condition(v: unknown, field: string, r: Reporter): AuthorizationCondition | undefined {
  const o = object(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, { fields: ['key', 'values', 'notValues'] })
  const key = str(o.key, at(field, 'key'), r) ?? ''
  const vals = values(o.values, at(field, 'values'), r)
  const notValues = values(o.notValues, at(field, 'notValues'), r)
  if (key === '') {
    r.error('MD0108', at(field, 'key'), '`key` must not be empty')
    return undefined
  }
  if (vals.length === 0 && notValues.length === 0) r.error('MD0108', field, `at least one of \`values\` or \`notValues\` must be set for key ${key}`)
  const keyField = at(field, 'key')
  const mapKey = (prefix: string) => key.startsWith(prefix) && /^[^[]+\[.+\]$/.test(key)
  if (key === 'destination.namespace') r.error('MD0106', keyField, `attribute ${key} is replaced by the metadata.namespace`, key)
  else if (key.startsWith('destination.labels')) r.error('MD0106', keyField, `attribute ${key} is replaced by the workload selector`, key)
  else if (key === 'destination.name' || key === 'destination.user') r.error('MD0106', keyField, `deprecated attribute ${key}: only supported in v1alpha1`, key)
  else if (key.startsWith('request.headers') || key.startsWith('request.auth.claims') || key.startsWith('experimental.envoy.filters.')) {
    if (!mapKey(key.slice(0, key.indexOf('[') < 0 ? key.length : key.indexOf('[')))) r.error('MD0106', keyField, `bad key (${key}): should have format a[b]`, key)
    else if (key.startsWith('request.auth.claims')) r.warn('MD0104', keyField, NO_JWT)
    else if (key.startsWith('experimental.')) r.warn('MD0104', keyField, 'experimental.envoy.filters.* metadata is not simulated: this condition never holds')
  } else if (!WHEN_EXACT.has(key)) r.error('MD0106', keyField, `unknown attribute: ${key}`, key)
  else if (key.startsWith('request.auth.')) r.warn('MD0104', keyField, NO_JWT)
  else {
    const both = [...vals, ...notValues]
    if (key === 'source.ip' || key === 'remote.ip' || key === 'destination.ip') checkIps(both, field, r)
    if (key === 'destination.port') checkPorts(both, field, r)
    if (key === 'source.serviceAccount') checkServiceAccounts(both, field, r)
    if (key === 'source.trustDomain') checkWildcards(both, field, r)
  }
  return { key, values: vals, notValues }
}

/** A list of strings where an empty string is not allowed (Istio's CheckEmptyValues). */
function values(v: unknown, field: string, r: Reporter): string[] {
  const out = strList(v, field, r)
  out.forEach((s, i) => s === '' && r.error('MD0106', at(field, i), 'empty value not allowed', s))
  return out
}

/** At most one `*`, only at the start or end (exact, `prefix*`, `*suffix`, or `*`). */
function checkWildcards(vals: readonly string[], field: string, r: Reporter): void {
  vals.forEach((s, i) => {
    const stars = s.split('*').length - 1
    if (stars > 1) r.error('MD0106', at(field, i), 'at most one wildcard is allowed', s)
    else if (stars === 1 && s !== '*' && !s.startsWith('*') && !s.endsWith('*')) r.error('MD0106', at(field, i), 'wildcard is only allowed at the start or end', s)
  })
}

function checkServiceAccounts(vals: readonly string[], field: string, r: Reporter): void {
  if (vals.length > 16) r.error('MD0106', field, 'may not have more than 16 values')
  vals.forEach((s, i) => {
    const f = at(field, i)
    if (s.includes('*')) r.error('MD0106', f, 'wildcard not allowed', s)
    else if (s.split('/').length > 2 || s.startsWith('/') || s.endsWith('/')) r.error('MD0106', f, "expected format 'serviceAccount' or 'namespace/serviceAccount'", s)
    else if (s.length > 320) r.error('MD0106', f, 'value cannot exceed 320 characters', s)
  })
}

function checkIps(vals: readonly string[], field: string, r: Reporter): void {
  vals.forEach((s, i) => {
    const [address, bits, extra] = s.split('/')
    const family = isIP(address ?? '')
    const prefixOk = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32))
    if (family === 0 || !prefixOk || extra !== undefined) r.error('MD0106', at(field, i), s.includes('/') ? 'bad CIDR range' : 'bad IP address', s)
  })
}

function checkPorts(vals: readonly string[], field: string, r: Reporter): void {
  vals.forEach((s, i) => {
    if (!/^\d+$/.test(s) || Number(s) > 65535) r.error('MD0111', at(field, i), 'bad port: must be a number from 0 to 65535 written as a string', s)
  })
}

/** `{*}` (one segment) and `{**}` (the rest, last only) are Envoy's path templates; other braces are invalid. */
function checkPathTemplates(vals: readonly string[], field: string, r: Reporter): void {
  vals.forEach((s, i) => {
    if (!s.includes('{') && !s.includes('}')) return
    let sawAny = false
    for (const glob of trimSlashes(s).split('/')) {
      if (glob === '{*}' && !sawAny) continue
      if (glob === '{**}' && !sawAny) {
        sawAny = true
        continue
      }
      if (glob === '{*}' || glob === '{**}') return r.error('MD0106', at(field, i), '{**} is not the last operator', s)
      if (/[{}]/.test(glob)) return r.error('MD0106', at(field, i), "contains '{' or '}' beyond a supported path template", s)
    }
  })
}

/** `s` without leading and trailing `/`. A loop, not `/\/+$/`: that regex backtracks over every run of slashes. */
function trimSlashes(s: string): string {
  let start = 0
  let end = s.length
  while (start < end && s[start] === '/') start++
  while (end > start && s[end - 1] === '/') end--
  return s.slice(start, end)
}
