/**
 * AuthorizationPolicy `rules[].when[]` (Condition): a key naming a request attribute, and `values` / `notValues`
 * checked for that attribute as Istio's ValidateAttribute does, then compiled to matchers.
 */

import { deepFreeze } from '../freeze.ts'
import type { AuthorizationAttribute, AuthorizationCondition, AuthzMatcher } from '../types.ts'
import { absent, checkShape, object, str } from './fields.ts'
import {
  checkIps, checkPorts, checkServiceAccounts, checkTrustDomains, ipMatcher, namespaceMatcher, portMatcher, principalMatcher,
  serviceAccountMatcher, stringMatcher, trustDomainMatcher, values,
} from './authz-values.ts'
import { NO_JWT } from './authz-source.ts'
import { at, type Reporter } from './reporter.ts'

/** Keys meshdojo evaluates, with how each value is checked and compiled (`request.auth.*` never matches: no JWT). */
const KEYS: Readonly<Record<string, { attribute: AuthorizationAttribute; check?: typeof checkIps; compile: (v: string, ns: string) => AuthzMatcher }>> = deepFreeze({
  'source.ip': { attribute: { kind: 'sourceIp' }, check: checkIps, compile: ipMatcher },
  'remote.ip': { attribute: { kind: 'remoteIp' }, check: checkIps, compile: ipMatcher },
  'destination.ip': { attribute: { kind: 'destinationIp' }, check: checkIps, compile: ipMatcher },
  'destination.port': { attribute: { kind: 'destinationPort' }, check: checkPorts, compile: portMatcher },
  'source.namespace': { attribute: { kind: 'peerIdentity' }, compile: namespaceMatcher },
  'source.serviceAccount': { attribute: { kind: 'peerIdentity' }, check: checkServiceAccounts, compile: serviceAccountMatcher },
  'source.principal': { attribute: { kind: 'peerIdentity' }, compile: principalMatcher },
  'source.trustDomain': { attribute: { kind: 'peerIdentity' }, check: checkTrustDomains, compile: trustDomainMatcher },
  'connection.sni': { attribute: { kind: 'sni' }, compile: (v) => stringMatcher(v) },
  'request.auth.principal': { attribute: { kind: 'none' }, compile: (v) => stringMatcher(v) },
  'request.auth.audiences': { attribute: { kind: 'none' }, compile: (v) => stringMatcher(v) },
  'request.auth.presenter': { attribute: { kind: 'none' }, compile: (v) => stringMatcher(v) },
})

export function authzCondition(v: unknown, field: string, r: Reporter, policyNamespace: string): AuthorizationCondition | undefined {
  const o = object(v, field, r)
  if (o === undefined) {
    if (absent(v)) r.error('MD0108', at(field, 'key'), '`key` must not be empty')
    return undefined
  }
  checkShape(o, field, r, { fields: ['key', 'values', 'notValues'] })
  const keyField = at(field, 'key')
  const key = str(o.key, keyField, r) ?? ''
  const lists = { values: values(o.values, at(field, 'values'), r), notValues: values(o.notValues, at(field, 'notValues'), r) }
  if (key === '') {
    r.error('MD0108', keyField, '`key` must not be empty')
    return undefined
  }
  if (lists.values.length === 0 && lists.notValues.length === 0) r.error('MD0108', field, `at least one of \`values\` or \`notValues\` must be set for key ${key}`)
  const before = r.errorCount
  const known = KEYS[key]
  let attribute: AuthorizationAttribute = { kind: 'none' }
  let compile = (value: string) => stringMatcher(value)
  if (known !== undefined && Object.hasOwn(KEYS, key)) {
    attribute = known.attribute
    compile = (value) => known.compile(value, policyNamespace)
    for (const k of ['values', 'notValues'] as const) known.check?.(lists[k], at(field, k), r)
    if (key.startsWith('request.auth.')) r.warn('MD0104', keyField, NO_JWT)
  } else {
    attribute = mapKey(key, keyField, r) ?? attribute
  }
  if (r.errorCount > before) return undefined
  return { key, attribute, values: lists.values.map(compile), notValues: lists.notValues.map(compile) }
}

/** Keys with a name in brackets (`request.headers[x-user]`), and the keys Istio retired; reports what is wrong. */
function mapKey(key: string, field: string, r: Reporter): AuthorizationAttribute | undefined {
  const open = key.indexOf('[')
  const wellFormed = open > 0 && key.endsWith(']') && open < key.length - 2
  if (key === 'destination.namespace') r.error('MD0106', field, `attribute ${key} is replaced by the metadata.namespace`, key)
  else if (key.startsWith('destination.labels')) r.error('MD0106', field, `attribute ${key} is replaced by the workload selector`, key)
  else if (key === 'destination.name' || key === 'destination.user') r.error('MD0106', field, `deprecated attribute ${key}: only supported in v1alpha1`, key)
  else if (key.startsWith('request.headers') || key.startsWith('request.auth.claims') || key.startsWith('experimental.envoy.filters.')) {
    if (!wellFormed) r.error('MD0106', field, `bad key (${key}): should have format a[b]`, key)
    else if (key.startsWith('request.headers')) return { kind: 'header', name: key.slice(open + 1, -1).toLowerCase() }
    else if (key.startsWith('request.auth.claims')) r.warn('MD0104', field, NO_JWT)
    else r.warn('MD0104', field, 'experimental.envoy.filters.* metadata is not simulated: this condition never holds')
  } else r.error('MD0106', field, `unknown attribute: ${key}`, key)
  return undefined
}
