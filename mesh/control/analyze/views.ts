/**
 * What the analyzers read of each resource: a few fields, taken from the document as written, each for what it
 * is (a list that is not a list is empty, a port number that is not a number is absent). Resources that passed
 * validation and documents that failed it are read the same way, so `meshdojo analyze` looks at an invalid
 * Gateway as `istioctl analyze` does, and a malformed document can never make an analyzer throw.
 *
 * Views are read from `raw`, not from the typed spec, on purpose: the spec holds what the data plane simulates,
 * and analysis needs fields it does not (exportTo, tcp and tls routes, a DestinationRule's TLS certificates).
 */

import { isObj, type Obj } from '../parse/fields.ts'
import { MESH_GATEWAY } from '../parse/gateway-names.ts'
import type { InvalidResource } from '../parse/parse-config.ts'
import type { IstioResource } from '../types.ts'

/** A resource as analysis sees it: valid (with a typed spec it does not use) or not; `raw` is the document. */
export type AnalyzedResource = IstioResource | InvalidResource

export type Labels = Readonly<Record<string, string>>

export interface GatewayView {
  readonly resource: AnalyzedResource
  /** `spec.selector`; empty selects every workload, as a Kubernetes label selector does. */
  readonly selector: Labels
  readonly servers: readonly ServerView[]
}

export interface ServerView {
  /** Index in `spec.servers`, for field paths. */
  readonly index: number
  /** Absent when the server has no port number (a validation Error). */
  readonly port?: number
  readonly hosts: readonly string[]
  readonly bind?: string
}

export interface VirtualServiceView {
  readonly resource: AnalyzedResource
  readonly hosts: readonly string[]
  /** As written; `mesh` when none are given (Istio's default). */
  readonly gateways: readonly string[]
  /** As written: empty means every namespace. */
  readonly exportTo: readonly string[]
  /** `spec.http`, `spec.tcp` and `spec.tls`, items as written (each may be anything). */
  readonly http: readonly unknown[]
  readonly tcp: readonly unknown[]
  readonly tls: readonly unknown[]
}

export interface SubsetView {
  readonly index: number
  readonly name: string
  readonly labels: Labels
}

/** A client TLS block: `spec.trafficPolicy.tls`, or one of `portLevelSettings` (with its port). */
export interface ClientTlsView {
  /** Path of the `tls` object. */
  readonly field: string
  /** A `portLevelSettings` entry's (IST0129) rather than the destination level's (IST0128). */
  readonly portLevel: boolean
  /** The port of a port-level setting, when it has a number. */
  readonly port?: number
  readonly mode?: string
  readonly caCertificates?: string
  readonly credentialName?: string
}

export interface DestinationRuleView {
  readonly resource: AnalyzedResource
  readonly host?: string
  readonly subsets: readonly SubsetView[]
  readonly exportTo: readonly string[]
  /** `spec.workloadSelector.matchLabels`; absent when there is no workloadSelector. */
  readonly workloadSelector?: Labels
  /** The destination-level TLS block first, then the port-level ones, in order. */
  readonly tls: readonly ClientTlsView[]
}

/** An AuthorizationPolicy, PeerAuthentication or LocalRateLimit: what it selects. */
export interface PolicyView {
  readonly resource: AnalyzedResource
  /** `spec.selector.matchLabels`; absent when there is no selector (the policy covers its whole namespace). */
  readonly selector?: Labels
}

export interface AnalysisViews {
  readonly gateways: readonly GatewayView[]
  readonly virtualServices: readonly VirtualServiceView[]
  readonly destinationRules: readonly DestinationRuleView[]
  readonly policies: readonly PolicyView[]
}

/** Reads every resource once, keeping their order (the order they were applied: Istio resolves conflicts oldest-first). */
export function viewsOf(resources: readonly AnalyzedResource[]): AnalysisViews {
  const gateways: GatewayView[] = []
  const virtualServices: VirtualServiceView[] = []
  const destinationRules: DestinationRuleView[] = []
  const policies: PolicyView[] = []
  for (const resource of resources) {
    const spec = objectAt(resource.raw, 'spec')
    switch (resource.kind) {
      case 'Gateway':
        gateways.push({ resource, selector: labelsOf(spec.selector), servers: listAt(spec, 'servers').map(serverView) })
        break
      case 'VirtualService': {
        const given = stringsAt(spec, 'gateways')
        virtualServices.push({
          resource,
          hosts: stringsAt(spec, 'hosts'),
          gateways: given.length === 0 ? [MESH_GATEWAY] : given,
          exportTo: stringsAt(spec, 'exportTo'),
          http: listAt(spec, 'http'),
          tcp: listAt(spec, 'tcp'),
          tls: listAt(spec, 'tls'),
        })
        break
      }
      case 'DestinationRule':
        destinationRules.push(destinationRuleView(resource, spec))
        break
      case 'AuthorizationPolicy':
      case 'PeerAuthentication':
      case 'LocalRateLimit': {
        const selector = isObj(spec.selector) ? labelsOf(spec.selector.matchLabels) : undefined
        policies.push({ resource, ...(selector === undefined ? {} : { selector }) })
        break
      }
    }
  }
  return { gateways, virtualServices, destinationRules, policies }
}

function serverView(item: unknown, index: number): ServerView {
  const server = isObj(item) ? item : {}
  const port = isObj(server.port) ? numberOf(server.port.number) : undefined
  const bind = textOf(server.bind)
  return { index, ...(port === undefined ? {} : { port }), hosts: stringsAt(server, 'hosts'), ...(bind === undefined ? {} : { bind }) }
}

function destinationRuleView(resource: AnalyzedResource, spec: Obj): DestinationRuleView {
  const host = textOf(spec.host)
  const subsets: SubsetView[] = []
  listAt(spec, 'subsets').forEach((item, index) => {
    const name = isObj(item) ? textOf(item.name) : undefined
    if (name !== undefined && isObj(item)) subsets.push({ index, name, labels: labelsOf(item.labels) })
  })
  const policy = objectAt(spec, 'trafficPolicy')
  const tls: ClientTlsView[] = []
  if (isObj(policy.tls)) tls.push(clientTlsView(policy.tls, 'spec.trafficPolicy.tls', false))
  listAt(policy, 'portLevelSettings').forEach((item, i) => {
    if (!isObj(item) || !isObj(item.tls)) return
    const port = isObj(item.port) ? numberOf(item.port.number) : undefined
    tls.push({ ...clientTlsView(item.tls, `spec.trafficPolicy.portLevelSettings[${i}].tls`, true), ...(port === undefined ? {} : { port }) })
  })
  const selector = isObj(spec.workloadSelector) ? labelsOf(spec.workloadSelector.matchLabels) : undefined
  return {
    resource,
    ...(host === undefined ? {} : { host }),
    subsets,
    exportTo: stringsAt(spec, 'exportTo'),
    ...(selector === undefined ? {} : { workloadSelector: selector }),
    tls,
  }
}

function clientTlsView(o: Obj, field: string, portLevel: boolean): ClientTlsView {
  const view: Record<string, string> = {}
  for (const key of ['mode', 'caCertificates', 'credentialName'] as const) {
    const value = textOf(o[key])
    if (value !== undefined) view[key] = value
  }
  return { field, portLevel, ...view }
}

// === lenient readers ===

/** `v[key]` when `v` is a mapping and that is a mapping; `{}` otherwise. */
export function objectAt(v: unknown, key: string): Obj {
  const child = isObj(v) ? v[key] : undefined
  return isObj(child) ? child : {}
}

/** `v[key]` when it is a list (dense: a hole reads as undefined); `[]` otherwise. */
export function listAt(v: unknown, key: string): readonly unknown[] {
  const child = isObj(v) ? v[key] : undefined
  return Array.isArray(child) ? Array.from(child) : []
}

/** The strings of the list `v[key]`; other items are left out. */
export function stringsAt(v: unknown, key: string): string[] {
  return listAt(v, key).filter((s): s is string => typeof s === 'string')
}

/** The string-valued entries of a mapping, as labels (own properties: a `__proto__` key stays a key). */
export function labelsOf(v: unknown): Labels {
  if (!isObj(v)) return {}
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'))
}

export const textOf = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined)

/** A port or count: a non-negative integer, or absent. */
export const numberOf = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined)
