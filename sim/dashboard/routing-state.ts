/** What the mesh VirtualServices say now about a service: its catch-all weights, and whether it is mirrored. */
import type { ConfigSnapshot, VirtualService } from '../../mesh/control/types.ts'
import { shortHost } from './config-summary.ts'

const meshVirtualService = (config: ConfigSnapshot, service: string): VirtualService | undefined =>
  config.virtualServices.find((vs) => vs.spec.gateways.includes('mesh') && vs.spec.hosts.some((h) => shortHost(h) === service))

/** Weights by subset of the service's catch-all route, e.g. `{ v1: 80, v3: 20 }`; undefined without one. */
export function currentWeights(config: ConfigSnapshot, service: string): Record<string, number> | undefined {
  const vs = meshVirtualService(config, service)
  const route = vs && [...vs.spec.http].reverse().find((r) => r.match.length === 0 && r.route.length > 0)
  if (!route || route.route.some((d) => !d.destination.subset || shortHost(d.destination.host) !== service)) return undefined
  const total = route.route.reduce((n, d) => n + d.weight, 0) || 1
  return Object.fromEntries(route.route.map((d) => [d.destination.subset!, Math.round((d.weight / total) * 100)]))
}

export function isMirrored(config: ConfigSnapshot, service: string): boolean {
  return meshVirtualService(config, service)?.spec.http.some((r) => r.mirrors.length > 0) ?? false
}
