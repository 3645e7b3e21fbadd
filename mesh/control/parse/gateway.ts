/** Gateway `spec`: workload selector and servers (gateway-server.ts), with unique port names across servers. */

import type { GatewaySpec } from '../types.ts'
import { absent, checkShape, checkUnique, listOf, requiredObject, strMap } from './fields.ts'
import { gatewayServer } from './gateway-server.ts'
import { checkLabels } from './names.ts'
import { at, type Reporter } from './reporter.ts'

export function gatewaySpec(v: unknown, field: string, r: Reporter): GatewaySpec | undefined {
  const o = requiredObject(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, { fields: ['selector', 'servers'] })
  const before = r.errorCount
  const selector = strMap(o.selector, at(field, 'selector'), r)
  checkLabels(selector, at(field, 'selector'), r)
  const serversField = at(field, 'servers')
  const names: { name: string; field: string }[] = []
  const servers = listOf(o.servers, serversField, r, (item, f) => {
    const server = gatewayServer(item, f, r)
    if (server !== undefined) names.push({ name: server.port.name ?? '', field: at(at(f, 'port'), 'name') })
    return server
  })
  if (absent(o.servers) || (Array.isArray(o.servers) && o.servers.length === 0)) {
    r.error('MD0108', serversField, 'a Gateway needs at least one server')
  }
  checkUnique(names, (s) => s.name, (s, _first, count) => {
    r.error('MD0118', s.field, `port names in servers must be unique${count > 2 ? ` (listed ${count} times)` : ''}`, s.name)
  })
  if (r.errorCount > before) return undefined
  return { selector, servers }
}
