/** PeerAuthentication `spec` (security.istio.io/v1): which mTLS traffic a workload's inbound accepts. */

import type { MtlsMode, PeerAuthenticationSpec } from '../types.ts'
import { absent, checkShape, isObj, object, str } from './fields.ts'
import { at, type Reporter } from './reporter.ts'
import { selectsAll, workloadSelector } from './workload-selector.ts'

const MODES: readonly MtlsMode[] = ['UNSET', 'DISABLE', 'PERMISSIVE', 'STRICT']

export function peerAuthenticationSpec(v: unknown, field: string, r: Reporter): PeerAuthenticationSpec | undefined {
  // An empty spec is valid: a namespace-wide policy with mode UNSET (inherits from the mesh).
  const o = absent(v) ? {} : object(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, { fields: ['selector', 'mtls', 'portLevelMtls'] })
  const before = r.errorCount
  const selector = workloadSelector(o.selector, at(field, 'selector'), r)
  const mtls = mtlsOf(o.mtls, at(field, 'mtls'), r) ?? { mode: 'UNSET' as const }
  const portField = at(field, 'portLevelMtls')
  const portLevelMtls: { port: number; mode: MtlsMode }[] = []
  const ports = object(o.portLevelMtls, portField, r)
  if (ports !== undefined) {
    if (Object.keys(ports).length === 0) r.error('MD0108', portField, 'port level mTLS, if defined, must have at least one element')
    if (selectsAll(selector)) r.error('MD0107', portField, 'mesh/namespace peer authentication cannot have port level mTLS; add a selector')
    for (const [key, value] of Object.entries(ports)) {
      const port = Number(key)
      if (!/^\d+$/.test(key) || port < 1 || port > 65535) {
        r.error('MD0111', at(portField, key), 'port must be in range 1..65535', key)
        continue
      }
      const mode = mtlsOf(value, at(portField, key), r)
      if (mode !== undefined) portLevelMtls.push({ port, mode: mode.mode })
    }
  }
  if (r.errorCount > before) return undefined
  return { ...(selector === undefined ? {} : { selector }), mtls, portLevelMtls }
}

function mtlsOf(v: unknown, field: string, r: Reporter): { mode: MtlsMode } | undefined {
  if (!absent(v) && !isObj(v)) {
    r.error('MD0102', field, 'must be an object like {mode: STRICT}', v)
    return undefined
  }
  const o = object(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, { fields: ['mode'] })
  const mode = str(o.mode, at(field, 'mode'), r) ?? 'UNSET'
  if (!(MODES as readonly string[]).includes(mode)) {
    r.error('MD0106', at(field, 'mode'), `must be one of ${MODES.join(', ')}`, mode)
    return undefined
  }
  return { mode: mode as MtlsMode }
}
