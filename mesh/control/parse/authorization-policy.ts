/**
 * AuthorizationPolicy `spec` (security.istio.io/v1): Istio's validation webhook checks, plus what meshdojo
 * cannot simulate. CUSTOM (ext_authz) and targetRef (waypoints, Gateway API) are rejected; request principals
 * parse but never match, since no RequestAuthentication (JWT) exists here. Values are compiled to matchers
 * here (authz-source.ts, authz-operation.ts, authz-condition.ts), so the filter never reads the YAML.
 */

import type { AuthorizationAction, AuthorizationPolicySpec, AuthorizationRule } from '../types.ts'
import { DRY_RUN } from './annotations.ts'
import { authzCondition } from './authz-condition.ts'
import { authzOperation } from './authz-operation.ts'
import { authzSource } from './authz-source.ts'
import { absent, checkShape, list, listOf, object, str, type Obj } from './fields.ts'
import type { Meta } from './metadata.ts'
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
  const dryRun = dryRunAnnotation(meta?.annotations ?? {}, actionText, r)
  const rulesField = at(field, 'rules')
  if (actionText === 'DENY' && absent(o.rules)) {
    r.error('MD0108', rulesField, 'DENY action without `rules` is meaningless as it will never be triggered, add an empty rule `{}` if you want it be triggered for every request')
  }
  const namespace = meta?.namespace ?? 'default'
  const rules = listOf(o.rules, rulesField, r, (item, f) => rule(item, f, r, namespace))
  if (r.errorCount > before) return undefined
  return { ...(selector === undefined ? {} : { selector }), action: actionText as AuthorizationAction, rules, dryRun }
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
