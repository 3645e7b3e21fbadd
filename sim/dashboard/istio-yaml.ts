/**
 * Istio YAML for the dashboard's routing actions, built on the config already in force so nothing
 * the learner applied is lost: the service's mesh VirtualService (edited, or created) plus the
 * DestinationRule subsets it refers to (added, or created with every version). The result goes
 * through the same control plane as `meshdojo apply` and is shown to the learner as is.
 *
 * - fault for everyone: `fault` on every route; for one user: on the user's own route if there is
 *   one (`jason→v2`), else a first route `dashboard-fault` matching `end-user: <user>`, going where
 *   that user went before.
 * - split: the catch-all route's destinations become the weighted subsets (matched routes stay).
 * - mirror: `mirror` + `mirrorPercentage` on the catch-all route (creating `→ v1` if there was none).
 */
import { Document, isMap, isSeq, visit } from 'yaml'
import type { ConfigSnapshot, DestinationRule, VirtualService } from '../../mesh/control/types.ts'
import type { FaultAction, MirrorAction, RoutingAction, SplitAction } from './actions.ts'
import { shortHost } from './config-summary.ts'

type Obj = Record<string, unknown>
interface RawRoute extends Obj {
  name?: string
  match?: Obj[]
  route?: { destination: { host: string; subset?: string }; weight?: number }[]
}

export const FAULT_ROUTE = 'dashboard-fault'
const API = 'networking.istio.io/v1'

export interface RoutingYaml {
  /** One or two documents: the DestinationRule first when it changes, then the VirtualService. */
  readonly yaml: string
  readonly documents: readonly Obj[]
}

/** Versions that run, by service: `reviews` → `[v1, v2, v3]` (subset names follow versions). */
export type ServiceVersions = ReadonlyMap<string, readonly string[]>

export class RoutingError extends Error {}

export function routingYaml(action: RoutingAction, config: ConfigSnapshot, versions: ServiceVersions): RoutingYaml {
  const service = action.type === 'mirror' ? (action.service ?? (versions.has('httpbin') ? 'httpbin' : 'reviews')) : action.service
  const known = versions.get(service)
  if (!known) throw new RoutingError(`no service named "${service}"; services: ${[...versions.keys()].sort().join(', ')}`)
  const existing = config.virtualServices.find((vs) => vs.spec.gateways.includes('mesh') && vs.spec.hosts.some((h) => shortHost(h) === service))
  const vs = existing ? editable(existing) : newVirtualService(service)
  const spec = vs.spec as { http?: RawRoute[] }
  spec.http ??= []
  if (action.type === 'fault') applyFault(spec.http, action, service)
  else if (action.type === 'split') applySplit(spec.http, action, service, known)
  else applyMirror(spec.http, action, service, known)

  const needed = new Set<string>()
  for (const r of spec.http) {
    for (const d of r.route ?? []) if (shortHost(d.destination.host) === service && d.destination.subset) needed.add(d.destination.subset)
    const m = r.mirror as { host: string; subset?: string } | undefined
    if (m && shortHost(m.host) === service && m.subset) needed.add(m.subset)
  }
  const dr = destinationRule(config.destinationRules.find((d) => shortHost(d.spec.host) === service), service, known, needed)
  const documents = [...(dr ? [dr] : []), vs]
  return { documents, yaml: documents.map(compactYaml).join('---\n') }
}

function newVirtualService(service: string): Obj {
  return { apiVersion: API, kind: 'VirtualService', metadata: { name: service }, spec: { hosts: [service], http: [] } }
}

/** A plain, mutable copy of the document the user applied. */
function editable(r: VirtualService | DestinationRule): Obj {
  const raw = JSON.parse(JSON.stringify(r.raw ?? {})) as Obj
  const meta = (raw.metadata ?? {}) as Obj
  raw.metadata = { name: meta.name ?? r.meta.name, ...(meta.namespace ? { namespace: meta.namespace } : {}), ...(meta.labels ? { labels: meta.labels } : {}) }
  return raw
}

const isCatchAll = (r: RawRoute) => !r.match || r.match.length === 0

/** The last catch-all route carrying destinations; appended (to the whole service) when missing. */
function catchAll(http: RawRoute[], service: string): RawRoute {
  const found = [...http].reverse().find((r) => isCatchAll(r) && r.route && r.name !== FAULT_ROUTE)
  if (found) return found
  const route: RawRoute = { route: [{ destination: { host: service } }] }
  http.push(route)
  return route
}

function applyFault(http: RawRoute[], a: FaultAction, service: string): void {
  const mine = http.findIndex((r) => r.name === FAULT_ROUTE)
  if (mine >= 0) http.splice(mine, 1)
  if (a.fault.kind === 'off') {
    for (const r of http) delete r.fault
    return
  }
  const fault = a.fault.kind === 'delay'
    ? { delay: { percentage: { value: a.percent }, fixedDelay: goDuration(a.fault.ms) } }
    : { abort: { percentage: { value: a.percent }, httpStatus: a.fault.status } }
  if (!a.user) {
    if (!http.some((r) => r.route)) catchAll(http, service)
    for (const r of http) if (r.route) r.fault = fault
    return
  }
  // A route of their own (Istio's `jason→v2`) gets the fault; else a new first route goes where they went until now.
  const own = http.find((r) => r.route && r.match?.length && r.match.every((m) => onlyUser(m) === a.user))
  if (own) {
    own.fault = fault
    return
  }
  const theirs = http.find((r) => r.route && r.match?.some((m) => userOf(m) === a.user)) ?? catchAll(http, service)
  http.unshift({ name: FAULT_ROUTE, match: [{ headers: { 'end-user': { exact: a.user } } }], fault, route: clone(theirs.route!) })
}

const userOf = (m: Obj): string | undefined => ((m.headers as Obj | undefined)?.['end-user'] as { exact?: string } | undefined)?.exact
/** The user a match block selects when `end-user` is all it checks. */
const onlyUser = (m: Obj): string | undefined =>
  Object.keys(m).length === 1 && Object.keys((m.headers as Obj | undefined) ?? {}).length === 1 ? userOf(m) : undefined

function applySplit(http: RawRoute[], a: SplitAction, service: string, known: readonly string[]): void {
  const missing = Object.keys(a.weights).filter((v) => !known.includes(v))
  if (missing.length) throw new RoutingError(`${service} has no version ${missing.join(', ')}; versions: ${known.join(', ')}`)
  const entries = Object.entries(a.weights).filter(([, w]) => w > 0)
  const route = entries.map(([subset, weight]) => ({ destination: { host: service, subset }, ...(entries.length > 1 ? { weight } : {}) }))
  catchAll(http, service).route = route
  const mine = http.find((r) => r.name === FAULT_ROUTE)
  if (mine) mine.route = clone(route)
}

function applyMirror(http: RawRoute[], a: MirrorAction, service: string, known: readonly string[]): void {
  if (!a.on) {
    for (const r of http) {
      delete r.mirror
      delete r.mirrorPercentage
      delete r.mirrors
    }
    return
  }
  const to = a.to ?? 'v2'
  if (!known.includes(to)) throw new RoutingError(`${service} has no version ${to} to mirror to; versions: ${known.join(', ')}`)
  const primary = known.find((v) => v !== to) ?? known[0]!
  const route = [...http].reverse().find((r) => isCatchAll(r) && r.route && r.name !== FAULT_ROUTE)
  const target = route ?? catchAll(http, service)
  if (!route || target.route!.every((d) => !d.destination.subset || d.destination.subset === to)) {
    target.route = [{ destination: { host: service, subset: primary } }] // Istio's mirroring task: all live traffic to v1
  }
  target.mirror = { host: service, subset: to }
  target.mirrorPercentage = { value: 100 }
}

/** The service's DestinationRule with the subsets the VirtualService needs, or undefined if it already has them. */
function destinationRule(existing: DestinationRule | undefined, service: string, known: readonly string[], needed: ReadonlySet<string>): Obj | undefined {
  if (needed.size === 0) return undefined
  if (!existing) {
    const subsets = [...new Set([...known, ...needed])].map((v) => ({ name: v, labels: { version: v } }))
    return { apiVersion: API, kind: 'DestinationRule', metadata: { name: service }, spec: { host: service, subsets } }
  }
  const have = new Set(existing.spec.subsets.map((s) => s.name))
  const add = [...needed].filter((s) => !have.has(s))
  if (add.length === 0) return undefined
  const dr = editable(existing)
  const spec = dr.spec as { subsets?: Obj[] }
  spec.subsets = [...(spec.subsets ?? []), ...add.map((v) => ({ name: v, labels: { version: v } }))]
  return dr
}

/** 7000 → `7s`, 500 → `500ms`, 1500 → `1500ms` (Go durations; whole milliseconds). */
export const goDuration = (ms: number): string => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`)

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T

/**
 * Block YAML with short maps and lists on one line (`abort: { percentage: { value: 50 }, httpStatus: 500 }`),
 * so a resource fits a panel. A map holding only another map stays a block (`- destination: { host: ratings }`).
 */
export function compactYaml(value: unknown): string {
  const doc = new Document(value)
  const short = (node: { toJSON(): unknown }) => JSON.stringify(node.toJSON()).length <= 48
  visit(doc, {
    Map(_, node) {
      const values = node.items.map((i) => i.value)
      const wrapper = values.length === 1 && isMap(values[0])
      if (short(node) && !wrapper && !values.some((v) => isSeq(v))) node.flow = true
    },
    Seq(_, node) {
      if (short(node) && node.items.every((i) => !isMap(i) && !isSeq(i))) node.flow = true
    },
  })
  return doc.toString()
}
