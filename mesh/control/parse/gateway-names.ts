/** Gateway references in a VirtualService: `mesh`, `name`, `namespace/name`, or the legacy `name.namespace`. */

import { fqdnProblem, isIstioLabel } from './names.ts'
import { at, type Reporter } from './reporter.ts'

export const MESH_GATEWAY = 'mesh'

export function checkGatewayNames(names: readonly string[], field: string, r: Reporter): boolean {
  let ok = true
  names.forEach((name, i) => {
    const f = at(field, i)
    const slash = name.indexOf('/')
    if (slash < 0) {
      if (name.includes('.')) {
        const [gw, ns] = name.split('.')
        r.warn('MD0105', f, `legacy gateway name format; prefer <namespace>/<name>: "${ns}/${gw}"`, name)
      }
      const problem = fqdnProblem(name)
      if (problem !== undefined) {
        r.error('MD0109', f, `is not a valid gateway name (${problem})`, name)
        ok = false
      }
      return
    }
    const ns = name.slice(0, slash)
    const gw = name.slice(slash + 1)
    if (!isIstioLabel(ns) || !isIstioLabel(gw)) {
      r.error('MD0109', f, 'must be <namespace>/<name> with DNS-1123 labels on both sides', name)
      ok = false
    }
  })
  return ok
}

/** `{namespace, name}` of a gateway reference as seen from a VirtualService in `vsNamespace`. */
export function resolveGatewayRef(ref: string, vsNamespace: string): { namespace: string; name: string } {
  const slash = ref.indexOf('/')
  if (slash >= 0) return { namespace: ref.slice(0, slash), name: ref.slice(slash + 1) }
  const parts = ref.split('.')
  if (parts.length >= 2) return { namespace: parts[1]!, name: parts[0]! }
  return { namespace: vsNamespace, name: ref }
}
