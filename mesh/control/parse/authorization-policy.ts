/**
 * AuthorizationPolicy `spec` (security.istio.io/v1): Istio's validation webhook checks, plus what meshdojo
 * cannot simulate. CUSTOM names an ext_authz provider of the mesh config (parse/mesh-config.ts), which the
 * webhook does not look up: a missing provider is found at runtime, as in Istio. targetRef(s) (waypoints,
 * Gateway API) are validated and warned about (policy-target-ref.ts); request principals parse but never
 * match, since no RequestAuthentication (JWT) exists here. Values are compiled to matchers here
 * (authz-source.ts, authz-operation.ts, authz-condition.ts), so the filter never reads the YAML.
 */

import type { AuthorizationAction, AuthorizationPolicySpec, AuthorizationRule } from '../types.ts'
import { DRY_RUN } from './annotations.ts'
import { authzCondition } from './authz-condition.ts'
import { authzOperation } from './authz-operation.ts'
import { authzSource } from './authz-source.ts'
import { absent, checkShape, isObj, list, listOf, object, str, type Obj } from './fields.ts'
import type { Meta } from './metadata.ts'
import { policyTargetRefs } from './policy-target-ref.ts'
import { at, type Reporter } from './reporter.ts'
import { workloadSelector } from './workload-selector.ts'

const ACTIONS = ['ALLOW', 'DENY', 'AUDIT', 'CUSTOM'] as const

/** `meta`: the policy's namespace (bare service account names live there) and its dry-run annotation. */
export function authorizationPolicySpec(v: unknown, field: string, r: Reporter, meta?: Meta): AuthorizationPolicySpec | undefined {
  // `spec: {}` is valid: an ALLOW policy with no rules, which denies every request to the namespace.
  const o = absent(v) ? {} : object(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, { fields: ['selector', 'action', 'rules', 'provider', 'targetRef', 'targetRefs'] })
  const before = r.errorCount
  const selector = workloadSelector(o.selector, at(field, 'selector'), r)
  const targetRefs = policyTargetRefs(o, field, r, !absent(o.selector))
  const actionText = str(o.action, at(field, 'action'), r) ?? 'ALLOW'
  const rulesField = at(field, 'rules')
  // Istio reads the YAML into a protobuf message, where an empty list is no list at all.
  const noRules = absent(o.rules) || (Array.isArray(o.rules) && o.rules.length === 0)
  let provider: string | undefined
  if (!(ACTIONS as readonly string[]).includes(actionText)) {
    r.error('MD0106', at(field, 'action'), `must be one of ${ACTIONS.join(', ')}`, actionText)
  } else if (actionText === 'CUSTOM') {
    if (noRules) {
      r.error('MD0108', rulesField, 'CUSTOM action without `rules` is meaningless as it will never be triggered, add an empty rule `{}` if you want it be triggered for every request')
    } else {
      provider = providerName(o.provider, at(field, 'provider'), r)
    }
    checkCustomRules(o.rules, rulesField, r)
  } else if (!absent(o.provider)) {
    r.error('MD0107', at(field, 'provider'), `\`provider\` must not be with non CUSTOM action, found ${actionText}`)
  }
  const dryRun = dryRunAnnotation(meta?.annotations ?? {}, actionText, r)
  if (actionText === 'DENY' && absent(o.rules)) {
    r.error('MD0108', rulesField, 'DENY action without `rules` is meaningless as it will never be triggered, add an empty rule `{}` if you want it be triggered for every request')
  }
  const namespace = meta?.namespace ?? 'default'
  const rules = listOf(o.rules, rulesField, r, (item, f) => rule(item, f, r, namespace))
  if (r.errorCount > before || targetRefs === undefined) return undefined
  return {
    ...(selector === undefined ? {} : { selector }),
    targetRefs,
    action: actionText as AuthorizationAction,
    ...(provider === undefined ? {} : { provider }),
    rules,
    dryRun,
  }
}

/** `provider: {name: …}`: Istio's webhook only requires a name; whether the mesh config defines it is a runtime matter. */
function providerName(v: unknown, field: string, r: Reporter): string | undefined {
  const o = object(v, field, r)
  if (o !== undefined) checkShape(o, field, r, { fields: ['name'] })
  const name = o === undefined ? undefined : str(o.name, at(field, 'name'), r)
  if (!name) {
    r.error('MD0108', at(field, 'name'), '`provider.name` must not be empty')
    return undefined
  }
  return name
}

/** Source fields and `when` keys Istio does not support with CUSTOM (the peer identity and JWT ones). */
const CUSTOM_UNSUPPORTED_SOURCES: readonly [string, string][] = [
  ['namespaces', 'From.Namespaces'], ['notNamespaces', 'From.NotNamespaces'],
  ['serviceAccounts', 'From.ServiceAccounts'], ['notServiceAccounts', 'From.NotServiceAccounts'],
  ['trustDomains', 'From.TrustDomains'], ['notTrustDomains', 'From.NotTrustDomains'],
  ['principals', 'From.Principals'], ['notPrincipals', 'From.NotPrincipals'],
  ['requestPrincipals', 'From.RequestPrincipals'], ['notRequestPrincipals', 'From.NotRequestPrincipals'],
]
const CUSTOM_UNSUPPORTED_KEYS: ReadonlySet<string> = new Set(['source.namespace', 'source.serviceAccount', 'source.trustDomain', 'source.principal'])

/** Istio's webhook: CUSTOM rules may not match on identities (they are the external authorizer's business). */
function checkCustomRules(v: unknown, field: string, r: Reporter): void {
  const rules = Array.isArray(v) ? v : []
  rules.forEach((item, i) => {
    if (!isObj(item)) return
    const from = Array.isArray(item.from) ? item.from : []
    from.forEach((clause, j) => {
      const source = isObj(clause) && isObj(clause.source) ? clause.source : undefined
      if (source === undefined) return
      for (const [key, name] of CUSTOM_UNSUPPORTED_SOURCES) {
        const values = source[key]
        if (Array.isArray(values) && values.length > 0) r.error('MD0119', at(at(at(at(at(field, i), 'from'), j), 'source'), key), `${name} is currently not supported with CUSTOM action`)
      }
    })
    const when = Array.isArray(item.when) ? item.when : []
    when.forEach((condition, k) => {
      const key = isObj(condition) && typeof condition.key === 'string' ? condition.key : undefined
      if (key !== undefined && (CUSTOM_UNSUPPORTED_KEYS.has(key) || key.startsWith('request.auth.'))) {
        r.error('MD0119', at(at(at(at(field, i), 'when'), k), 'key'), `${key} is currently not supported with CUSTOM action`)
      }
    })
  })
}

/** `istio.io/dry-run`: a Go boolean (`true`, `1`, `t`, `False`…), and only on ALLOW and DENY policies. */
function dryRunAnnotation(annotations: Readonly<Record<string, string>>, action: string, r: Reporter): boolean {
  if (!Object.hasOwn(annotations, DRY_RUN)) return false
  const field = at(at('metadata', 'annotations'), DRY_RUN)
  const value = annotations[DRY_RUN]!
  if (action !== 'ALLOW' && action !== 'DENY') {
    r.error('MD0107', field, `the annotation ${DRY_RUN} currently only supports action ALLOW/DENY, found action ${action}`)
    return false
  }
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false
  r.error('MD0005', field, 'must be "true" or "false"', value)
  return false
}

function rule(v: unknown, field: string, r: Reporter, namespace: string): AuthorizationRule | undefined {
  if (absent(v)) {
    r.error('MD0108', field, '`rule` must not be null; write {} for a rule that matches every request')
    return undefined
  }
  const o = object(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, { fields: ['from', 'to', 'when'] })
  const from = clauses(o.from, at(field, 'from'), 'source', r, (inner, f) => authzSource(inner, f, r, namespace))
  const to = clauses(o.to, at(field, 'to'), 'operation', r, (inner, f) => authzOperation(inner, f, r))
  const when = listOf(o.when, at(field, 'when'), r, (item, f) => authzCondition(item, f, r, namespace))
  return { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }), when }
}

/** `from: [{source: …}]` / `to: [{operation: …}]`: a present list must not be empty, nor any item. */
function clauses<T>(v: unknown, field: string, key: string, r: Reporter, parse: (o: Obj, field: string) => T | undefined): T[] | undefined {
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
    const parsed = parse(inner, at(f, key))
    if (parsed !== undefined) out.push(parsed)
  })
  return out
}
