/**
 * The service graph as a tree of edges, Kiali's versioned-app graph drawn in text: traffic enters
 * at the roots (the ingress gateway, a load client) and every row is one edge with its own numbers,
 * so a workload with two callers (ratings-v1) appears under each of them:
 *
 *   istio-ingressgateway
 *   ┗━▶ productpage-v1   2.0  0.0%
 *       ┣━▶ reviews-v2   0.7  0.0%  33%
 *       ┃   ┗━▶ ratings-v1 …
 *
 * Heavy box characters, because blessed's border docking rewrites the light ones (├ └ │ ─) wherever
 * a border row crosses them, content included.
 *
 * Bookinfo's call graph is known, so idle edges (no load yet, a version with 0% weight) are drawn too.
 */
import type { EdgeStats } from '../../mesh/telemetry/stats.ts'
import { edgeBadges, type BadgeContext } from './edge-badges.ts'
import { healthOf } from './workload-rows.ts'
import type { GraphRow, GraphView } from './view-types.ts'

export const INGRESS = 'istio-ingressgateway'

/** Which apps call which, in Bookinfo (reviews v1 shows no stars: it never calls ratings). */
const CALLS: Readonly<Record<string, readonly string[]>> = { [INGRESS]: ['productpage'], productpage: ['details', 'reviews'], reviews: ['ratings'] }
const SILENT = new Set(['reviews-v1>ratings'])
/** Children are listed in request order, then by name. */
const APP_ORDER = [INGRESS, 'productpage', 'details', 'reviews', 'ratings', 'httpbin']

export interface GraphWorkload {
  readonly name: string
  readonly version: string
}

export interface GraphInputs {
  /** Every workload of the mesh, the ingress gateway included. */
  readonly workloads: readonly GraphWorkload[]
  readonly edges: readonly EdgeStats[]
  /** `source>destination` → mirrored copies per second (not part of the caller's edges). */
  readonly mirrored: ReadonlyMap<string, number>
  readonly badges: BadgeContext
}

interface Edge {
  readonly source: string
  readonly destination: string
  readonly service: string
  readonly kind: GraphRow['kind']
  readonly stats?: EdgeStats
  readonly mirrorRps?: number
}

export const appOf = (w: GraphWorkload): string => (w.version && w.name.endsWith(`-${w.version}`) ? w.name.slice(0, -w.version.length - 1) : w.name)

export function serviceGraph(input: GraphInputs): GraphView {
  const apps = new Map(input.workloads.map((w) => [w.name, appOf(w)]))
  const edges = collectEdges(input, apps)
  const children = new Map<string, Edge[]>()
  for (const e of edges) {
    const list = children.get(e.source) ?? []
    list.push(e)
    children.set(e.source, list)
  }
  const rank = (name: string) => {
    const i = APP_ORDER.indexOf(apps.get(name) ?? name)
    return i < 0 ? APP_ORDER.length : i
  }
  const byOrder = (a: string, b: string) => rank(a) - rank(b) || a.localeCompare(b)
  for (const list of children.values()) list.sort((a, b) => byOrder(a.destination, b.destination) || kindOrder(a) - kindOrder(b))

  const destinations = new Set(edges.filter((e) => e.source !== e.destination).map((e) => e.destination))
  const roots = [...new Set(edges.map((e) => e.source))].filter((s) => s === INGRESS || !destinations.has(s)).sort(byOrder)
  const rows: GraphRow[] = []
  const expanded = new Set<string>()
  const walk = (node: string, indent: string, path: ReadonlySet<string>) => {
    if (expanded.has(node)) return
    expanded.add(node)
    const list = (children.get(node) ?? []).filter((e) => !path.has(e.destination) || e.kind !== 'workload')
    list.forEach((e, i) => {
      const last = i === list.length - 1
      rows.push(edgeRow(e, indent.length / 4 + 1, `${indent}${last ? '┗━▶ ' : '┣━▶ '}`, shareOf(e, list), input.badges))
      if (e.kind === 'workload') walk(e.destination, `${indent}${last ? '    ' : '┃   '}`, new Set([...path, e.destination]))
    })
  }
  for (const root of roots) {
    rows.push({ depth: 0, prefix: '', node: root, kind: 'root', rps: '', errors: '', share: '', health: 'idle', badges: [] })
    walk(root, '', new Set([root]))
  }
  const reached = new Set([...roots, ...edges.map((e) => e.destination)])
  for (const w of [...input.workloads].sort((a, b) => byOrder(a.name, b.name))) {
    if (!reached.has(w.name)) rows.push({ depth: 0, prefix: '', node: w.name, kind: 'idle', rps: '', errors: '', share: '', health: 'idle', badges: [] })
  }
  return withMtlsSummary(rows)
}

/** When every edge with traffic is fully mTLS, say it once (Kiali's "mTLS enabled") instead of on every row. */
function withMtlsSummary(rows: GraphRow[]): GraphView {
  const live = rows.filter((r) => r.health !== 'idle' && r.kind === 'workload') // local replies never reach a peer
  const full = (r: GraphRow) => r.badges.some((b) => b.code === 'mTLS' && b.tone === 'secure')
  const secure = live.filter(full).length
  const mtls = live.length > 0 && secure === live.length ? 'all' : secure > 0 || rows.some((r) => r.badges.some((b) => b.code === 'mTLS')) ? 'some' : 'none'
  if (mtls !== 'all') return { rows, mtls }
  return { rows: rows.map((r) => (full(r) ? { ...r, badges: r.badges.filter((b) => b.code !== 'mTLS') } : r)), mtls }
}

const kindOrder = (e: Edge) => (e.kind === 'workload' ? 0 : e.kind === 'local' ? 1 : 2)

function collectEdges(input: GraphInputs, apps: ReadonlyMap<string, string>): Edge[] {
  const out = new Map<string, Edge>()
  for (const s of input.edges) {
    const known = apps.has(s.destination)
    if (!known && s.requests === 0) continue // a local reply that stopped (the fault was removed)
    out.set(`${s.source}>${s.destination}`, { source: s.source, destination: s.destination, service: s.destinationService, kind: known ? 'workload' : 'local', stats: s })
  }
  for (const [from, fromApp] of apps) {
    for (const toApp of CALLS[fromApp] ?? []) {
      if (SILENT.has(`${from}>${toApp}`)) continue
      for (const [to, app] of apps) {
        if (app === toApp && !out.has(`${from}>${to}`)) out.set(`${from}>${to}`, { source: from, destination: to, service: app, kind: 'workload' })
      }
    }
  }
  for (const [key, rps] of input.mirrored) {
    if (rps <= 0) continue
    const [source, destination] = key.split('>') as [string, string]
    out.set(`${key}>mirror`, { source, destination, service: apps.get(destination) ?? destination, kind: 'mirror', mirrorRps: rps })
  }
  return [...out.values()]
}

/** Shown when the caller spreads one service over several destinations (the split you configured, observed). */
function shareOf(e: Edge, siblings: readonly Edge[]): string {
  if (e.kind === 'mirror') return ''
  const same = siblings.filter((s) => s.service === e.service && s.kind !== 'mirror')
  const total = same.reduce((n, s) => n + (s.stats?.requests ?? 0), 0)
  if (same.length < 2 || total === 0) return ''
  return `${Math.round(((e.stats?.requests ?? 0) / total) * 100)}%`
}

/** The stats' mTLS share of an edge, where the running mesh reports one (EdgeStats.mtls). */
const mtlsOf = (s: EdgeStats | undefined): { mtls?: number } => {
  const mtls = (s as { mtls?: unknown } | undefined)?.mtls
  return typeof mtls === 'number' && (s?.requests ?? 0) > 0 ? { mtls } : {}
}

function edgeRow(e: Edge, depth: number, prefix: string, share: string, ctx: BadgeContext): GraphRow {
  const s = e.stats
  const live = (s?.requests ?? 0) > 0
  const rps = e.kind === 'mirror' ? (e.mirrorRps ?? 0).toFixed(1) : live ? s!.rps.toFixed(1) : '-'
  return {
    depth,
    prefix,
    node: e.destination,
    kind: e.kind,
    rps,
    errors: live ? `${((1 - s!.successRate) * 100).toFixed(1)}%` : '-',
    share,
    health: live ? healthOf(1 - s!.successRate) : 'idle',
    badges: e.kind === 'mirror' ? [] : edgeBadges({ source: e.source, destination: e.destination, service: e.service, flags: s?.flags ?? {}, ...mtlsOf(s) }, ctx),
  }
}
