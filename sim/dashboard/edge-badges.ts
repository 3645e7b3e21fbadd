/**
 * Badges on the service graph's edges, as Kiali draws them: fault injection and mirroring (from the
 * VirtualServices in force and the flags seen), circuit breaking (UO overflow / UH ejection, from
 * flags and cluster counters), a Toxiproxy toxic on the link into the workload, and mTLS.
 */
import type { ConfigSnapshot } from '../../mesh/control/types.ts'
import type { ToxicJson } from '../../mesh/toxiproxy/types.ts'
import { faultText, shortHost, toxicText } from './config-summary.ts'
import type { Badge } from './view-types.ts'
import { effectiveVirtualServices } from '../../mesh/control/delegation.ts'

export interface BadgeContext {
  /** Service short name → fault labels of the mesh VirtualServices for it (`delay 7s jason`). */
  readonly faults: ReadonlyMap<string, { readonly abort: boolean; readonly delay: boolean; readonly label: string }>
  /** Service short name → mirror label (`→v2`). */
  readonly mirrors: ReadonlyMap<string, string>
  /** Workload (link name) → toxic label. */
  readonly toxics: ReadonlyMap<string, string>
  /** `source>service` → what the caller's clusters for that service saw lately. */
  readonly breakers: ReadonlyMap<string, 'overflow' | 'ejected'>
  /**
   * `source>destination` edges seen with `connectionSecurityPolicy: mutual_tls`. This is the mTLS hook:
   * it fills from request records today; an edge stat that reports the policy can feed it the same way.
   */
  readonly secure: ReadonlySet<string>
}

export interface BadgeEdge {
  readonly source: string
  readonly destination: string
  /** Short service name (`ratings`). */
  readonly service: string
  /** Flags seen on the edge in the window, as the stats count them (`UO`, `UF,URX`, `-`). */
  readonly flags: Readonly<Record<string, number>>
  /** Share (0–1) of the edge's requests the destination received over mTLS, when the stats report it. */
  readonly mtls?: number
}

export function edgeBadges(edge: BadgeEdge, ctx: BadgeContext): Badge[] {
  const seen = new Set(Object.keys(edge.flags).flatMap((f) => f.split(',')))
  const badges: Badge[] = []
  const fault = ctx.faults.get(edge.service)
  if (fault?.abort || seen.has('FI')) badges.push({ code: 'FI', label: fault?.label ?? 'abort', tone: 'fault' })
  else if (fault?.delay || seen.has('DI')) badges.push({ code: 'DI', label: fault?.label ?? 'delay', tone: 'fault' })
  const mirror = ctx.mirrors.get(edge.service)
  if (mirror) badges.push({ code: 'MIR', label: `mirror ${mirror}`, tone: 'mirror' })
  const breaker = ctx.breakers.get(`${edge.source}>${edge.service}`)
  if (seen.has('UO') || breaker === 'overflow') badges.push({ code: 'CB', label: 'overflow', tone: 'breaker' })
  if (seen.has('UH') || breaker === 'ejected') badges.push({ code: 'EJ', label: 'ejected', tone: 'breaker' })
  const toxic = ctx.toxics.get(edge.destination)
  if (toxic) badges.push({ code: 'TOX', label: toxic, tone: 'toxic' })
  const mtls = edge.mtls ?? (ctx.secure.has(`${edge.source}>${edge.destination}`) ? 1 : 0)
  if (mtls >= 0.995) badges.push({ code: 'mTLS', label: 'mTLS', tone: 'secure' })
  else if (mtls > 0) badges.push({ code: 'mTLS', label: `mTLS ${Math.round(mtls * 100)}%`, tone: 'degraded' })
  return badges
}

/** Faults and mirrors of the VirtualServices that apply inside the mesh (gateway `mesh`), by service. */
export function routeBadges(config: ConfigSnapshot): Pick<BadgeContext, 'faults' | 'mirrors'> {
  const faults = new Map<string, { abort: boolean; delay: boolean; label: string }>()
  const mirrors = new Map<string, string>()
  // Merged with their delegates: a fault inside a delegate route badges the edge too.
  for (const vs of effectiveVirtualServices(config.virtualServices)) {
    if (!vs.spec.gateways.includes('mesh')) continue
    for (const host of vs.spec.hosts.map(shortHost)) {
      for (const route of vs.spec.http) {
        if (route.fault) {
          const who = route.match.length ? ` ${route.match.map((m) => m.headers.map((h) => ('value' in h.match ? h.match.value : h.name)).join(' ') || 'some').join('|')}` : ''
          const prev = faults.get(host)
          const label = `${faultText(route.fault).join(' + ')}${who}`
          faults.set(host, {
            abort: (prev?.abort ?? false) || (route.fault.abort?.percent ?? 0) > 0,
            delay: (prev?.delay ?? false) || (route.fault.delay?.percent ?? 0) > 0,
            label: prev ? `${prev.label}; ${label}` : label,
          })
        }
        for (const m of route.mirrors) mirrors.set(host, `→${m.destination.subset ?? shortHost(m.destination.host)}`)
      }
    }
  }
  return { faults, mirrors }
}

/** The first toxic of each link, as a short label. */
export function toxicBadges(toxics: Readonly<Record<string, readonly ToxicJson[]>>): Map<string, string> {
  const out = new Map<string, string>()
  for (const [proxy, list] of Object.entries(toxics)) if (list.length) out.set(proxy, list.map(toxicText).join(', '))
  return out
}
