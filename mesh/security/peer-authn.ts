/**
 * Which mTLS mode a workload's inbound port enforces, from the PeerAuthentications that apply to it,
 * as Istio composes them: the narrowest scope wins (workload selector > namespace > mesh, i.e. the
 * root namespace `istio-system`), the oldest policy wins within a scope, UNSET inherits from the
 * parent, and with no policy at all the mode is PERMISSIVE.
 */
import type { MtlsMode, PeerAuthentication } from '../control/types.ts'
import { selects, selectsAll } from '../control/parse/workload-selector.ts'

/** The effective mode: never UNSET. */
export type EffectiveMtls = Exclude<MtlsMode, 'UNSET'>

/** Istio's default root namespace: policies there without a selector are mesh-wide. */
export const ROOT_NAMESPACE = 'istio-system'

export interface PolicyTarget {
  readonly namespace: string
  readonly labels: Readonly<Record<string, string>>
}

/**
 * The mode for `port` of the workload. `policies` must be in the order they were created (the
 * config store's order), so the first one found in a scope is the oldest.
 */
export function effectiveMtls(policies: readonly PeerAuthentication[], target: PolicyTarget, port: number, root = ROOT_NAMESPACE): EffectiveMtls {
  let mesh: PeerAuthentication | undefined
  let namespace: PeerAuthentication | undefined
  let workload: PeerAuthentication | undefined
  for (const p of policies) {
    const ns = p.meta.namespace
    if (selectsAll(p.spec.selector)) {
      if (ns === root) mesh ??= p
      else if (ns === target.namespace) namespace ??= p
    } else if (ns === target.namespace && ns !== root && selects(p.spec.selector, target.labels)) {
      workload ??= p
    }
  }
  let mode: EffectiveMtls = 'PERMISSIVE'
  for (const level of [mesh, namespace, workload]) {
    const m = level?.spec.mtls.mode
    if (m !== undefined && m !== 'UNSET') mode = m
  }
  const portMode = workload?.spec.portLevelMtls.find((p) => p.port === port)?.mode
  return portMode !== undefined && portMode !== 'UNSET' ? portMode : mode
}

/**
 * Istio's client-side hint for auto mTLS: only mesh- and namespace-level policies count, so a
 * namespace in DISABLE makes callers send plain text even to a workload that is STRICT itself.
 */
export function namespaceMtls(policies: readonly PeerAuthentication[], namespace: string, root = ROOT_NAMESPACE): EffectiveMtls {
  return effectiveMtls(
    policies.filter((p) => selectsAll(p.spec.selector)),
    { namespace, labels: {} },
    0,
    root,
  )
}
