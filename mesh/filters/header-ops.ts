/**
 * VirtualService `headers` operations: `request` ones on the way up, `response` ones on the way back.
 * Used at route level and, after it, at destination level, as Istio orders them.
 */
import type { Filter, HeaderMap } from '../filter.ts'
import type { HeaderOperations, HeadersSpec } from '../control/types.ts'

export function applyHeaderOps(headers: HeaderMap, ops: HeaderOperations): HeaderMap {
  const out: HeaderMap = { ...headers }
  for (const [name, value] of Object.entries(ops.set)) out[name.toLowerCase()] = value
  for (const [name, value] of Object.entries(ops.add)) {
    const key = name.toLowerCase()
    const current = out[key]
    out[key] = current === undefined ? value : ([] as string[]).concat(current, value)
  }
  for (const name of ops.remove) delete out[name.toLowerCase()]
  return out
}

export function headerOps(spec: HeadersSpec): Filter {
  const { request, response } = spec
  return (next) =>
    async function headerOpsFilter(req) {
      const res = await next(request ? { ...req, headers: applyHeaderOps(req.headers, request) } : req)
      return response ? { ...res, headers: applyHeaderOps(res.headers, response) } : res
    }
}
