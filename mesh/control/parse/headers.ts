/** `headers {request|response: {set, add, remove}}` at route and destination level. Names are lower-cased. */

import type { HeaderOperations, HeadersSpec } from '../types.ts'
import { checkShape, object, strList, strMap } from './fields.ts'
import { headerValueProblem } from './header-value.ts'
import { at, type Reporter } from './reporter.ts'

export function headersSpec(v: unknown, field: string, r: Reporter): HeadersSpec | undefined {
  const o = object(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, { fields: ['request', 'response'] })
  const request = operations(o.request, at(field, 'request'), r, true)
  const response = operations(o.response, at(field, 'response'), r, false)
  return { ...(request === undefined ? {} : { request }), ...(response === undefined ? {} : { response }) }
}

/** The authority a request `set`/`add` of `host` or `:authority` rewrites to, if any (set wins, as in Istio). */
export function authorityFromHeaders(h: HeadersSpec | undefined): string | undefined {
  const ops = h?.request
  if (ops === undefined) return undefined
  return ops.set['host'] ?? ops.set[':authority'] ?? ops.add['host'] ?? ops.add[':authority']
}

function operations(v: unknown, field: string, r: Reporter, isRequest: boolean): HeaderOperations | undefined {
  const o = object(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, { fields: ['set', 'add', 'remove'] })
  const write = (op: 'set' | 'add'): Record<string, string> => {
    const f = at(field, op)
    const out: Record<string, string> = {}
    for (const [name, value] of Object.entries(strMap(o[op], f, r))) {
      checkName(name, at(f, name), r, isRequest)
      checkValue(value, at(f, name), r)
      out[name.toLowerCase()] = value
    }
    return out
  }
  const set = write('set')
  const add = write('add')
  const removeField = at(field, 'remove')
  const remove = strList(o.remove, removeField, r)
  remove.forEach((name, i) => checkName(name, at(removeField, i), r, false))
  return { set, add, remove: remove.map((n) => n.toLowerCase()) }
}

/** Request set/add may rewrite the authority (`host`, `:authority`); nothing else may touch pseudo-headers. */
function checkName(name: string, field: string, r: Reporter, mayWriteAuthority: boolean): void {
  const lower = name.toLowerCase()
  const isAuthority = lower === 'host' || lower === ':authority'
  if (name === '') r.error('MD0120', field, 'header name must not be empty')
  else if (isAuthority && mayWriteAuthority) return
  else if (lower === 'host') r.error('MD0120', field, 'cannot set or remove the Host header here', name)
  else if (name.startsWith(':')) r.error('MD0120', field, 'header names cannot start with ":"', name)
}

function checkValue(value: string, field: string, r: Reporter): void {
  const problem = headerValueProblem(value)
  if (problem !== undefined) r.error('MD0120', field, problem, value)
}
