/**
 * The config in force, one short line per resource, the way a teacher would say it:
 * `VS reviews: jason→v2, *→v1`, `DR reviews: v1 v2 v3`, `toxic ratings-v1: latency 500ms ↓`.
 * A root VirtualService shows its routes with delegation resolved (`/productpage*→productpage [via
 * productpage]`), a delegate says whose it is (`delegate of bookinfo: *→productpage`).
 */
import { resolveDelegation, type DelegationIssue } from '../../mesh/control/delegation.ts'
import type {
  ConfigSnapshot,
  DestinationRule,
  Gateway,
  HTTPFaultInjection,
  HTTPMatchRequest,
  HTTPRoute,
  StringMatch,
  VirtualService,
} from '../../mesh/control/types.ts'
import type { ToxicJson } from '../../mesh/toxiproxy/types.ts'
import type { ConfigLine } from './view-types.ts'

/** `reviews.default.svc.cluster.local` → `reviews`. */
export const shortHost = (host: string): string => host.replace(/\.default(\.svc(\.cluster\.local)?)?$/, '')

/** Every line, in the order: VirtualServices, DestinationRules, Gateways, toxics (by link). */
export function configSummary(config: ConfigSnapshot, toxics: Readonly<Record<string, readonly ToxicJson[]>>): ConfigLine[] {
  const delegation = resolveDelegation(config.virtualServices)
  const merged = new Map(delegation.virtualServices.map((vs) => [refOf(vs), vs]))
  const vsLine = (vs: VirtualService): ConfigLine => {
    if (vs.spec.hosts.length === 0) return { kind: 'VS', name: vsName(vs), summary: delegateSummary(vs, config.virtualServices) }
    const issues = delegation.issues.filter((i) => i.root.name === vs.meta.name && i.root.namespace === vs.meta.namespace)
    return { kind: 'VS', name: vsName(vs), summary: virtualServiceSummary(merged.get(refOf(vs)) ?? vs, issues) }
  }
  return [
    ...config.virtualServices.map(vsLine),
    ...config.destinationRules.map((dr) => ({ kind: 'DR' as const, name: dr.meta.name, summary: destinationRuleSummary(dr) })),
    ...config.gateways.map((gw) => ({ kind: 'GW' as const, name: gw.meta.name, summary: gatewaySummary(gw) })),
    ...toxicLines(toxics),
  ]
}

/** Gateway-bound VirtualServices say so: `bookinfo@bookinfo-gateway`. */
const vsName = (vs: VirtualService): string => {
  const gateways = vs.spec.gateways.filter((g) => g !== 'mesh')
  return gateways.length ? `${vs.meta.name}@${gateways.join(',')}` : vs.meta.name
}

/** `vs` with delegation resolved (delegation.ts); `issues` are its delegating routes that were skipped. */
export function virtualServiceSummary(vs: VirtualService, issues: readonly DelegationIssue[] = []): string {
  const host = shortHost(vs.spec.hosts[0] ?? '')
  const skipped = issues.filter((i) => i.kind !== 'match-conflict').map((i) => `(delegate ${delegateName(i.delegate, vs)} ${i.kind === 'not-found' ? 'not found' : 'not exported here'})`)
  if (vs.spec.http.length === 0) return skipped.length ? skipped.join(', ') : '(no http routes)'
  return [...vs.spec.http.map((r) => `${matchText(r.match)}→${routeTarget(r, host)}${routeExtras(r, vs)}`), ...skipped].join(', ')
}

/** `delegate of bookinfo: *→productpage`, or `delegate (unused)` when no root names it. */
function delegateSummary(vs: VirtualService, all: readonly VirtualService[]): string {
  const roots = all.filter((root) => root.spec.hosts.length > 0 && root.spec.http.some((r) =>
    r.delegate?.name === vs.meta.name && (r.delegate.namespace ?? root.meta.namespace) === vs.meta.namespace))
  const routes = vs.spec.http.map((r) => `${matchText(r.match)}→${routeTarget(r, '')}${routeExtras(r, vs)}`).join(', ')
  return `${roots.length ? `delegate of ${roots.map((r) => r.meta.name).join(', ')}` : 'delegate (unused)'}: ${routes}`
}

const refOf = (vs: VirtualService) => `${vs.meta.namespace}/${vs.meta.name}`
/** A delegate by name, with its namespace when it is not the root's. */
const delegateName = (d: { name: string; namespace: string }, root: VirtualService) => (d.namespace === root.meta.namespace ? d.name : `${d.namespace}/${d.name}`)

/** `jason`, `/productpage`, `5 paths`, or `*` for a catch-all. */
export function matchText(match: readonly HTTPMatchRequest[]): string {
  if (match.length === 0) return '*'
  const parts = match.map(oneMatch)
  if (parts.length > 2) return `${parts.length} paths`
  return parts.join('|')
}

function oneMatch(m: HTTPMatchRequest): string {
  const parts: string[] = []
  for (const h of m.headers) parts.push(h.name === 'end-user' && h.match.kind === 'exact' ? h.match.value : `${h.name}${stringMatch(h.match)}`)
  if (m.uri) parts.push(m.uri.kind === 'prefix' ? `${m.uri.value}*` : m.uri.kind === 'exact' ? m.uri.value : `~${(m.uri as { value: string }).value}`)
  if (m.sourceLabels) parts.push(`from ${Object.entries(m.sourceLabels).map(([k, v]) => `${k}=${v}`).join(',')}`)
  for (const q of m.queryParams) parts.push(`?${q.name}${stringMatch(q.match)}`)
  if (m.method) parts.push(stringMatch(m.method).replace(/^=/, ''))
  return parts.join(' ') || '*'
}

const stringMatch = (m: StringMatch): string =>
  m.kind === 'exact' ? `=${m.value}` : m.kind === 'prefix' ? `^=${m.value}` : m.kind === 'regex' ? `~${m.value}` : ' present'

function routeTarget(r: HTTPRoute, vsHost: string): string {
  if (r.redirect) return `redirect ${r.redirect.uri ?? r.redirect.authority ?? ''}`.trim()
  if (r.directResponse) return `direct ${r.directResponse.status}`
  const names = r.route.map((d) => {
    const host = shortHost(d.destination.host)
    if (host === vsHost) return d.destination.subset ?? host
    return d.destination.subset ? `${host}/${d.destination.subset}` : host
  })
  if (names.length === 1) return names[0]!
  const total = r.route.reduce((n, d) => n + d.weight, 0) || 1
  return names.map((n, i) => `${n} ${Math.round((r.route[i]!.weight / total) * 100)}%`).join(' ')
}

function routeExtras(r: HTTPRoute, vs: VirtualService): string {
  const extras: string[] = []
  if (r.delegatedFrom) extras.push(`via ${delegateName(r.delegatedFrom, vs)}`)
  if (r.fault) extras.push(...faultText(r.fault))
  for (const m of r.mirrors) extras.push(`mirror ${m.destination.subset ?? shortHost(m.destination.host)}${m.percent < 100 ? ` ${m.percent}%` : ''}`)
  if (r.timeoutMs !== undefined) extras.push(`timeout ${seconds(r.timeoutMs)}`)
  if (r.retries) extras.push(`retries ${r.retries.attempts}`)
  return extras.length ? ` [${extras.join(', ')}]` : ''
}

/** `delay 7s`, `abort 500 50%`: the percentage only when it is not 100. */
export function faultText(f: HTTPFaultInjection): string[] {
  const pct = (p: number) => (p >= 100 ? '' : ` ${+p.toFixed(2)}%`)
  const out: string[] = []
  if (f.delay) out.push(`delay ${seconds(f.delay.fixedDelayMs)}${pct(f.delay.percent)}`)
  if (f.abort) out.push(`abort ${f.abort.httpStatus ?? f.abort.grpcStatus ?? ''}${pct(f.abort.percent)}`)
  return out
}

/** 7000 → `7s`, 500 → `500ms`, 1500 → `1.5s`. */
export const seconds = (ms: number): string => (ms < 1000 ? `${ms}ms` : `${+(ms / 1000).toFixed(2)}s`)

export function destinationRuleSummary(dr: DestinationRule): string {
  const parts = [dr.spec.subsets.length ? dr.spec.subsets.map((s) => s.name).join(' ') : '(no subsets)']
  const p = dr.spec.trafficPolicy
  if (p?.loadBalancer?.simple) parts.push(p.loadBalancer.simple)
  if (p?.loadBalancer?.consistentHash) parts.push(`hash ${p.loadBalancer.consistentHash.kind}`)
  const pool = p?.connectionPool
  if (pool?.tcp?.maxConnections) parts.push(`maxConn ${pool.tcp.maxConnections}`)
  if (pool?.http?.http1MaxPendingRequests) parts.push(`pending ${pool.http.http1MaxPendingRequests}`)
  if (pool?.http?.maxRequestsPerConnection) parts.push(`req/conn ${pool.http.maxRequestsPerConnection}`)
  const od = p?.outlierDetection
  if (od) parts.push(`eject ${od.consecutive5xxErrors ?? od.consecutiveGatewayErrors ?? 5}×5xx`)
  if (p?.tls?.mode === 'ISTIO_MUTUAL' || p?.tls?.mode === 'MUTUAL') parts.push('mTLS')
  return parts.join(' · ')
}

export function gatewaySummary(gw: Gateway): string {
  return gw.spec.servers.map((s) => `${s.port.protocol.toLowerCase()}:${s.port.number} ${s.hosts.join(',')}`).join(', ')
}

/** `latency 500ms ↓` (↓ downstream, ↑ upstream), with the toxicity when below 1. */
export function toxicText(t: ToxicJson): string {
  const a = t.attributes
  const arrow = t.stream.toLowerCase() === 'upstream' ? '↑' : '↓'
  let what: string
  switch (t.type) {
    case 'latency':
      what = `latency ${a.latency ?? 0}ms${a.jitter ? ` ±${a.jitter}ms` : ''}`
      break
    case 'bandwidth':
      what = `bandwidth ${a.rate ?? 0}KB/s`
      break
    case 'timeout':
      what = a.timeout ? `timeout ${a.timeout}ms` : 'timeout (hang)'
      break
    case 'reset_peer':
      what = a.timeout ? `reset_peer after ${a.timeout}ms` : 'reset_peer'
      break
    default:
      what = [t.type, ...Object.entries(a).filter(([, v]) => v).map(([k, v]) => `${k}=${v}`)].join(' ')
  }
  return `${what} ${arrow}${t.toxicity < 1 ? ` ${Math.round(t.toxicity * 100)}%` : ''}`
}

function toxicLines(toxics: Readonly<Record<string, readonly ToxicJson[]>>): ConfigLine[] {
  return Object.keys(toxics)
    .sort()
    .filter((proxy) => toxics[proxy]!.length > 0)
    .map((proxy) => ({ kind: 'toxic' as const, name: proxy, summary: toxics[proxy]!.map(toxicText).join(', ') }))
}
