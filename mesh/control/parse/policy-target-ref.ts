/**
 * `targetRef` / `targetRefs` of a security.istio.io policy (Istio's PolicyTargetReference), checked as Istio's CRD
 * schema and webhook check them (validatePolicyTargetReference, validateOneOfSelectorType). At runtime Istio attaches
 * such a policy only to Gateway API gateways and waypoints, never to sidecars; meshdojo has neither, so each
 * reference is accepted with an MD0104 warning saying what it would attach to on a cluster.
 */

import type { PolicyTargetReference } from '../types.ts'
import { absent, checkShape, list, object, str } from './fields.ts'
import { at, type Reporter } from './reporter.ts'

/** The group/kind pairs Istio's webhook allows (`gvk.Service`, `ServiceEntry`, `KubernetesGateway`, `GatewayClass`). */
const ALLOWED: readonly { readonly group: string; readonly kind: PolicyTargetReference['kind'] }[] = [
  { group: '', kind: 'Service' },
  { group: 'networking.istio.io', kind: 'ServiceEntry' },
  { group: 'gateway.networking.k8s.io', kind: 'Gateway' },
  { group: 'gateway.networking.k8s.io', kind: 'GatewayClass' },
]
/** The CRD's patterns and length limits. */
const GROUP = /^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/
const KIND = /^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/
const MAX_TARGET_REFS = 16
/** The GatewayClass of Istio's waypoints: a policy in the root namespace targeting it applies to all of them. */
const WAYPOINT_CLASS = 'istio-waypoint'

/**
 * `targetRefs`, else `[targetRef]` (Istio's GetTargetRefs), or undefined when a reference is invalid. `selector`
 * present: at most one of selector, targetRef and targetRefs may be set (the CRD's rule).
 */
export function policyTargetRefs(o: Readonly<Record<string, unknown>>, field: string, r: Reporter, hasSelector: boolean): PolicyTargetReference[] | undefined {
  const before = r.errorCount
  const single = absent(o.targetRef) ? undefined : targetRef(o.targetRef, at(field, 'targetRef'), r)
  const items = list(o.targetRefs, at(field, 'targetRefs'), r)
  if (items !== undefined && items.length > MAX_TARGET_REFS) {
    r.error('MD0106', at(field, 'targetRefs'), `must have at most ${MAX_TARGET_REFS} items, got ${items.length}`)
  }
  const many = (items ?? []).map((item, i) => targetRef(item, at(at(field, 'targetRefs'), i), r))
  const set = [hasSelector, !absent(o.targetRef), items !== undefined].filter(Boolean).length
  if (set > 1) {
    const where = items !== undefined ? 'targetRefs' : 'targetRef'
    r.error('MD0107', at(field, where), 'only one of targetRefs, targetRef or selector can be set')
  }
  if (r.errorCount > before) return undefined
  const refs = items !== undefined && items.length > 0 ? many : single === undefined ? [] : [single]
  return refs.filter((ref): ref is PolicyTargetReference => ref !== undefined)
}

function targetRef(v: unknown, field: string, r: Reporter): PolicyTargetReference | undefined {
  const o = object(v, field, r)
  if (o === undefined) {
    if (absent(v)) r.error('MD0108', field, 'must not be null')
    return undefined
  }
  checkShape(o, field, r, { fields: ['group', 'kind', 'name', 'namespace'] })
  const before = r.errorCount
  const group = str(o.group, at(field, 'group'), r) ?? ''
  const kind = str(o.kind, at(field, 'kind'), r)
  const name = str(o.name, at(field, 'name'), r)
  const namespace = str(o.namespace, at(field, 'namespace'), r)
  if (group.length > 253 || !GROUP.test(group)) r.error('MD0109', at(field, 'group'), 'must be an API group: lower-case DNS labels joined by dots, at most 253 characters', group)
  if (!kind) r.error('MD0108', at(field, 'kind'), 'is required')
  else if (kind.length > 63 || !KIND.test(kind)) r.error('MD0109', at(field, 'kind'), 'must be a kind name: letters, digits and "-", starting with a letter, at most 63 characters', kind)
  if (!name) r.error('MD0108', at(field, 'name'), 'targetRef name must be set')
  else if (name.length > 253) r.error('MD0109', at(field, 'name'), `must be at most 253 characters, got ${name.length}`)
  if (namespace) r.error('MD0119', at(field, 'namespace'), 'targetRef namespace must not be set; cross namespace referencing is not supported', namespace)
  if (r.errorCount > before || kind === undefined || name === undefined) return undefined
  // The webhook compares canonical groups: '' and `core` are both the core group.
  const canonical = group === 'core' ? '' : group
  const allowed = ALLOWED.find((a) => a.kind === kind && a.group === canonical)
  if (allowed === undefined) {
    const sameKind = ALLOWED.find((a) => a.kind === kind)
    const list = ALLOWED.map((a) => `${a.group || 'core'}/${a.kind}`).join(', ')
    r.error('MD0106', at(field, sameKind ? 'group' : 'kind'), `targetRef must be to one of ${list} but was ${group}/${kind}`)
    return undefined
  }
  const ref: PolicyTargetReference = { group: canonical, kind: allowed.kind, name }
  r.warn('MD0104', field, `${attachesTo(ref)}; meshdojo has no Gateway API gateways and no waypoints, so this policy applies to no workload here (sidecars and the istio-ingressgateway ignore policies with targetRef(s), as in Istio)`)
  return ref
}

/** What the reference attaches the policy to on a cluster (Istio's WorkloadPolicyMatcher.ShouldAttachPolicy). */
function attachesTo(ref: PolicyTargetReference): string {
  switch (ref.kind) {
    case 'Gateway':
      return `on a cluster this attaches the policy to the pods of the Gateway API Gateway ${JSON.stringify(ref.name)} (labelled gateway.networking.k8s.io/gateway-name), or to that waypoint`
    case 'GatewayClass':
      return ref.name === WAYPOINT_CLASS
        ? `on a cluster this attaches the policy to every waypoint (GatewayClass ${WAYPOINT_CLASS}), when the policy is in the root namespace istio-system`
        : `on a cluster this attaches the policy to nothing: only GatewayClass ${WAYPOINT_CLASS} (in the root namespace) is honoured`
    case 'Service':
    case 'ServiceEntry':
      return `on a cluster this attaches the policy to the waypoint (ambient mode) that serves ${ref.kind} ${JSON.stringify(ref.name)} of this namespace`
  }
}
