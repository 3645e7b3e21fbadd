/**
 * The applied Istio config of one mesh. Applies are atomic: the whole batch is checked together with the
 * config it would produce, and one Error rejects all of it. Every accepted change bumps the snapshot version
 * by one and notifies subscribers synchronously. No module state: one store per mesh.
 */

import { analyzeConfig } from './analyze/analyze-config.ts'
import { ConfigRejectedError, isError } from './diagnostics.ts'
import { resolveKind } from './kinds.ts'
import { parseConfig } from './parse/parse-config.ts'
import { stableStringify } from './stable-json.ts'
import type {
  AuthorizationPolicy,
  ConfigSnapshot,
  LocalRateLimit,
  MeshConfigMap,
  PeerAuthentication,
  DestinationRule,
  Diagnostic,
  Gateway,
  IstioResource,
  Kind,
  ResourceRef,
  VirtualService,
} from './types.ts'

export type ChangeAction = 'created' | 'configured' | 'unchanged' | 'deleted'

export interface Change extends ResourceRef {
  /** `deleted` only comes from replaceAll. */
  readonly action: ChangeAction
}

export interface ApplyResult {
  readonly changes: readonly Change[]
  /** Warnings and infos about the batch, and diagnostics the batch newly caused on other resources. */
  readonly warnings: readonly Diagnostic[]
}

export interface ApplyOptions {
  /** Check and report, but change nothing (`kubectl apply --dry-run=server`). */
  readonly dryRun?: boolean
  /** Services that exist, for host-not-found warnings; overrides the store's default. */
  readonly knownServices?: ReadonlySet<string>
}

export interface ConfigStoreOptions {
  /** Clock for creation times (the AGE column); default Date.now. */
  readonly now?: () => number
  /** Services that exist, asked at each apply (e.g. from the registry); omit to skip host checks. */
  readonly knownServices?: () => ReadonlySet<string>
}

export type ConfigListener = (snapshot: ConfigSnapshot) => void

interface Entry {
  readonly resource: IstioResource
  readonly createdAt: number
}

/**
 * What makes two versions of a resource different, as kubectl sees it: the spec and the user's
 * labels and annotations, not server-filled metadata such as creationTimestamp (which `get -o yaml` prints).
 */
function content(r: IstioResource): unknown {
  const raw = (r.raw ?? {}) as { spec?: unknown; data?: unknown; metadata?: { labels?: unknown; annotations?: unknown } }
  return { apiVersion: r.meta.apiVersion, spec: raw.spec, data: raw.data, labels: raw.metadata?.labels, annotations: raw.metadata?.annotations }
}

const keyOf = (kind: string, namespace: string, name: string): string => `${kind}/${namespace}/${name}`
const keyOfResource = (r: IstioResource): string => keyOf(r.kind, r.meta.namespace, r.meta.name)
const refOf = (r: IstioResource): ResourceRef => ({ kind: r.kind, name: r.meta.name, namespace: r.meta.namespace })
/** Identity of a finding, ignoring where the resource was read from. */
const findingKey = (d: Diagnostic): string =>
  stableStringify({ code: d.code, kind: d.kind, name: d.name, namespace: d.namespace, field: d.field, message: d.message })

export class ConfigStore {
  #entries = new Map<string, Entry>()
  #version = 0
  #snapshot: ConfigSnapshot = buildSnapshot(0, [])
  readonly #listeners = new Set<ConfigListener>()
  readonly #now: () => number
  readonly #knownServices: (() => ReadonlySet<string>) | undefined

  constructor(opts: ConfigStoreOptions = {}) {
    this.#now = opts.now ?? Date.now
    this.#knownServices = opts.knownServices
  }

  /** Version of the current snapshot: 0 before anything was applied, +1 per accepted change. */
  get version(): number {
    return this.#version
  }

  /** Applies parsed resources atomically. Throws ConfigRejectedError (nothing changed) on any Error. */
  apply(resources: readonly IstioResource[], opts: ApplyOptions = {}): ApplyResult {
    return this.#applyOnto(this.#entries, resources, opts, [])
  }

  /** Parses and applies YAML text; any parse Error rejects the whole text. */
  applyText(text: string, file: string, opts: ApplyOptions = {}): ApplyResult {
    let parseWarnings: readonly Diagnostic[] = []
    const resources = this.parse(text, file, (warnings) => (parseWarnings = warnings))
    const result = this.apply(resources, opts)
    return { changes: result.changes, warnings: [...parseWarnings, ...result.warnings] }
  }

  /**
   * Parses YAML text into resources, throwing ConfigRejectedError if any document has an Error. The text is
   * read within CONFIG_LIMITS (parse/documents.ts): too large, too deep or too many aliases is an Error too.
   */
  parse(text: string, file: string, onWarnings?: (warnings: readonly Diagnostic[]) => void): IstioResource[] {
    const { resources, diagnostics } = parseConfig(text, file)
    if (diagnostics.some(isError)) throw new ConfigRejectedError(diagnostics)
    onWarnings?.(diagnostics)
    return [...resources]
  }

  /** Makes `resources` the whole config (everything else is deleted), atomically, in one change. */
  replaceAll(resources: readonly IstioResource[], opts: ApplyOptions = {}): ApplyResult {
    const keep = new Set(resources.map(keyOfResource))
    const base = new Map([...this.#entries].filter(([key]) => keep.has(key)))
    const deleted: Change[] = [...this.#entries]
      .filter(([key]) => !keep.has(key))
      .map(([, e]) => ({ ...refOf(e.resource), action: 'deleted' }))
    return this.#applyOnto(base, resources, opts, deleted)
  }

  #applyOnto(base: ReadonlyMap<string, Entry>, resources: readonly IstioResource[], opts: ApplyOptions, deleted: Change[]): ApplyResult {
    const notes: Diagnostic[] = []
    const batch = new Map<string, IstioResource>()
    for (const r of resources) {
      const key = keyOfResource(r)
      if (batch.has(key)) {
        notes.push({
          level: 'Warning', code: 'MD0006', kind: r.kind, name: r.meta.name, namespace: r.meta.namespace,
          message: 'appears more than once in this apply; the last one wins',
          ...(r.meta.source === undefined ? {} : { source: r.meta.source }),
        })
        batch.delete(key) // keep the position of the last occurrence
      }
      batch.set(key, r)
    }
    const next = new Map(base)
    const changes: Change[] = []
    for (const [key, r] of batch) {
      const old = next.get(key)
      if (old === undefined) {
        changes.push({ ...refOf(r), action: 'created' })
        next.set(key, { resource: r, createdAt: this.#now() })
      } else if (stableStringify(content(old.resource)) === stableStringify(content(r))) {
        changes.push({ ...refOf(r), action: 'unchanged' })
      } else {
        changes.push({ ...refOf(r), action: 'configured' })
        next.set(key, { resource: r, createdAt: old.createdAt })
      }
    }
    const warnings = [...notes, ...this.#check(next, new Set(batch.keys()), opts)]
    const changed = deleted.length > 0 || changes.some((c) => c.action !== 'unchanged')
    if (!opts.dryRun && changed) this.#commit(next)
    return { changes: [...changes, ...deleted], warnings }
  }

  /** `kubectl delete <kind> <name>`: true if it existed. Deletes are never rejected. */
  delete(kind: Kind | string, name: string, namespace = 'default'): boolean {
    const key = keyOf(resolveKind(kind), namespace, name)
    if (!this.#entries.has(key)) return false
    const next = new Map(this.#entries)
    next.delete(key)
    this.#commit(next)
    return true
  }

  /** `kubectl delete -f`: deletes each that exists, in one change. */
  deleteResources(refs: readonly (ResourceRef | IstioResource)[]): { deleted: ResourceRef[]; notFound: ResourceRef[] } {
    const next = new Map(this.#entries)
    const deleted: ResourceRef[] = []
    const notFound: ResourceRef[] = []
    for (const item of refs) {
      const ref = 'meta' in item ? refOf(item) : item
      if (next.delete(keyOf(ref.kind, ref.namespace, ref.name))) deleted.push(ref)
      else notFound.push(ref)
    }
    if (deleted.length > 0) this.#commit(next)
    return { deleted, notFound }
  }

  /** In the order they were first applied. */
  list(kind?: Kind | string): IstioResource[] {
    const k = kind === undefined ? undefined : resolveKind(kind)
    return [...this.#entries.values()].map((e) => e.resource).filter((r) => k === undefined || r.kind === k)
  }

  get(kind: Kind | string, name: string, namespace = 'default'): IstioResource | undefined {
    return this.#entries.get(keyOf(resolveKind(kind), namespace, name))?.resource
  }

  /** When the resource was first created (ms, the store's clock); kept across `configured`. */
  createdAt(kind: Kind | string, name: string, namespace = 'default'): number | undefined {
    return this.#entries.get(keyOf(resolveKind(kind), namespace, name))?.createdAt
  }

  /** Frozen; the same object until the next accepted change. */
  snapshot(): ConfigSnapshot {
    return this.#snapshot
  }

  /** Called synchronously, in subscription order, after each accepted change. Returns unsubscribe. */
  subscribe(listener: ConfigListener): () => void {
    this.#listeners.add(listener)
    return () => {
      this.#listeners.delete(listener)
    }
  }

  /**
   * Cross-resource analysis of the would-be config. Findings about the batch, and findings the batch newly
   * causes elsewhere, are reported; Errors among them reject the batch. Problems that already existed on
   * resources outside the batch (e.g. after a Gateway was deleted) do not block unrelated applies.
   */
  #check(next: ReadonlyMap<string, Entry>, batch: ReadonlySet<string>, opts: ApplyOptions): Diagnostic[] {
    const analyzeOpts = { knownServices: opts.knownServices ?? this.#knownServices?.() }
    const before = new Set(analyzeConfig(this.list(), analyzeOpts).map(findingKey))
    const after = analyzeConfig([...next.values()].map((e) => e.resource), analyzeOpts)
    const relevant = after.filter((d) => batch.has(keyOf(d.kind ?? '', d.namespace ?? '', d.name ?? '')) || !before.has(findingKey(d)))
    if (relevant.some(isError)) throw new ConfigRejectedError(relevant)
    return relevant
  }

  #commit(next: Map<string, Entry>): void {
    this.#entries = next
    this.#version++
    this.#snapshot = buildSnapshot(this.#version, [...next.values()].map((e) => e.resource))
    const failures: unknown[] = []
    for (const listener of [...this.#listeners]) {
      try {
        listener(this.#snapshot)
      } catch (err) {
        failures.push(err)
      }
    }
    if (failures.length > 0) {
      throw new AggregateError(failures, `config version ${this.#version} applied, but ${failures.length} subscriber(s) threw`)
    }
  }
}

/** The `istio` ConfigMap's mesh config (parse/mesh-config.ts accepts no other ConfigMap); absent: Istio's defaults. */
function meshConfigOf(resources: readonly IstioResource[]): Pick<ConfigSnapshot, 'meshConfig'> {
  const map = resources.find((r): r is MeshConfigMap => r.kind === 'ConfigMap')
  return map === undefined ? {} : { meshConfig: map.spec }
}

function buildSnapshot(version: number, resources: readonly IstioResource[]): ConfigSnapshot {
  return Object.freeze({
    version,
    virtualServices: Object.freeze(resources.filter((r): r is VirtualService => r.kind === 'VirtualService')),
    destinationRules: Object.freeze(resources.filter((r): r is DestinationRule => r.kind === 'DestinationRule')),
    gateways: Object.freeze(resources.filter((r): r is Gateway => r.kind === 'Gateway')),
    peerAuthentications: Object.freeze(resources.filter((r): r is PeerAuthentication => r.kind === 'PeerAuthentication')),
    authorizationPolicies: Object.freeze(resources.filter((r): r is AuthorizationPolicy => r.kind === 'AuthorizationPolicy')),
    localRateLimits: Object.freeze(resources.filter((r): r is LocalRateLimit => r.kind === 'LocalRateLimit')),
    ...meshConfigOf(resources),
  })
}
