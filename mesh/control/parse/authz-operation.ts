/** AuthorizationPolicy `rules[].to[].operation` (Operation): Istio's checks, then each value compiled to its matcher. */

import type { AuthorizationOperation } from '../types.ts'
import { checkShape, type Obj } from './fields.ts'
import { checkPathTemplates, checkPorts, pathMatcher, portMatcher, stringMatcher, values } from './authz-values.ts'
import { at, type Reporter } from './reporter.ts'

const OPERATION_FIELDS = ['hosts', 'notHosts', 'ports', 'notPorts', 'methods', 'notMethods', 'paths', 'notPaths'] as const satisfies readonly (keyof AuthorizationOperation)[]

export function authzOperation(o: Obj, field: string, r: Reporter): AuthorizationOperation | undefined {
  checkShape(o, field, r, { fields: OPERATION_FIELDS })
  const before = r.errorCount
  const op = Object.fromEntries(OPERATION_FIELDS.map((k) => [k, values(o[k], at(field, k), r)])) as Record<(typeof OPERATION_FIELDS)[number], string[]>
  if (OPERATION_FIELDS.every((k) => op[k].length === 0)) r.error('MD0108', field, '`to.operation` must not be empty')
  for (const k of ['ports', 'notPorts'] as const) checkPorts(op[k], at(field, k), r)
  for (const k of ['paths', 'notPaths'] as const) checkPathTemplates(op[k], at(field, k), r)
  if (r.errorCount > before) return undefined
  const host = (v: string) => stringMatcher(v, { ignoreCase: true })
  const method = (v: string) => stringMatcher(v)
  return {
    hosts: op.hosts.map(host),
    notHosts: op.notHosts.map(host),
    ports: op.ports.map(portMatcher),
    notPorts: op.notPorts.map(portMatcher),
    methods: op.methods.map(method),
    notMethods: op.notMethods.map(method),
    paths: op.paths.map(pathMatcher),
    notPaths: op.notPaths.map(pathMatcher),
  }
}
