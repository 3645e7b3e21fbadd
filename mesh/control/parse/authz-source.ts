/** AuthorizationPolicy `rules[].from[].source` (Source): Istio's checks, then each value compiled to its matcher. */

import type { AuthorizationSource, AuthzMatcher } from '../types.ts'
import { checkShape, type Obj } from './fields.ts'
import {
  checkIps, checkServiceAccounts, checkTrustDomains, ipMatcher, namespaceMatcher, principalMatcher, serviceAccountMatcher,
  trustDomainMatcher, values, warnInnerWildcards,
} from './authz-values.ts'
import { at, type Reporter } from './reporter.ts'

const SOURCE_FIELDS = [
  'principals', 'notPrincipals', 'requestPrincipals', 'notRequestPrincipals', 'namespaces', 'notNamespaces',
  'serviceAccounts', 'notServiceAccounts', 'trustDomains', 'notTrustDomains', 'ipBlocks', 'notIpBlocks',
  'remoteIpBlocks', 'notRemoteIpBlocks',
] as const satisfies readonly (keyof AuthorizationSource)[]

export const NO_JWT = 'meshdojo has no RequestAuthentication (JWT): no request has a request principal, so these values never match (and their "not" forms always do)'

/** `policyNamespace`: where a bare service account name lives. */
export function authzSource(o: Obj, field: string, r: Reporter, policyNamespace: string): AuthorizationSource | undefined {
  checkShape(o, field, r, { fields: SOURCE_FIELDS })
  const before = r.errorCount
  const s = Object.fromEntries(SOURCE_FIELDS.map((k) => [k, values(o[k], at(field, k), r)])) as Record<(typeof SOURCE_FIELDS)[number], string[]>
  if (SOURCE_FIELDS.every((k) => s[k].length === 0)) r.error('MD0108', field, '`from.source` must not be empty')
  if (s.principals.length + s.notPrincipals.length + s.namespaces.length + s.notNamespaces.length > 0 && s.serviceAccounts.length + s.notServiceAccounts.length > 0) {
    r.error('MD0107', field, 'cannot set serviceAccounts with namespaces or principals')
  }
  for (const k of ['principals', 'notPrincipals', 'requestPrincipals', 'notRequestPrincipals'] as const) warnInnerWildcards(s[k], at(field, k), r)
  for (const k of ['serviceAccounts', 'notServiceAccounts'] as const) checkServiceAccounts(s[k], at(field, k), r)
  for (const k of ['trustDomains', 'notTrustDomains'] as const) checkTrustDomains(s[k], at(field, k), r)
  for (const k of ['ipBlocks', 'notIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks'] as const) checkIps(s[k], at(field, k), r)
  for (const k of ['requestPrincipals', 'notRequestPrincipals'] as const) if (s[k].length > 0) r.warn('MD0104', at(field, k), NO_JWT)
  if (r.errorCount > before) return undefined
  const m = (list: readonly string[], compile: (v: string) => AuthzMatcher) => list.map(compile)
  const sa = (v: string) => serviceAccountMatcher(v, policyNamespace)
  return {
    principals: m(s.principals, principalMatcher),
    notPrincipals: m(s.notPrincipals, principalMatcher),
    requestPrincipals: m(s.requestPrincipals, principalMatcher),
    notRequestPrincipals: m(s.notRequestPrincipals, principalMatcher),
    namespaces: m(s.namespaces, namespaceMatcher),
    notNamespaces: m(s.notNamespaces, namespaceMatcher),
    serviceAccounts: m(s.serviceAccounts, sa),
    notServiceAccounts: m(s.notServiceAccounts, sa),
    trustDomains: m(s.trustDomains, trustDomainMatcher),
    notTrustDomains: m(s.notTrustDomains, trustDomainMatcher),
    ipBlocks: m(s.ipBlocks, ipMatcher),
    notIpBlocks: m(s.notIpBlocks, ipMatcher),
    remoteIpBlocks: m(s.remoteIpBlocks, ipMatcher),
    notRemoteIpBlocks: m(s.notRemoteIpBlocks, ipMatcher),
  }
}
