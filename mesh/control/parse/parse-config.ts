/**
 * The config edge: YAML text → frozen, typed Istio resources plus every diagnostic found. A document with any
 * Error yields no resource; the others still do (ConfigStore decides whether to apply a partial batch: never).
 * A document that failed validation but names its resource is still handed out as written (`invalid`), for
 * analysis only: `istioctl analyze` looks at such resources too.
 */

import { deepFreeze, FrozenSet } from '../freeze.ts'
import { apiVersionsOf, describeSupportedKinds, KIND_LIST, type AnyKindInfo } from '../kinds.ts'
import type { Diagnostic, IstioResource, Kind, ResourceMeta, ResourceRef, SourceRef } from '../types.ts'
import { splitDocuments } from './documents.ts'
import { checkShape, isObj, suggest, type Obj } from './fields.ts'
import { checkAnnotations } from './annotations.ts'
import { metadata, type Meta } from './metadata.ts'
import { Reporter } from './reporter.ts'
import { MESH_CONFIG_MAP } from './mesh-config.ts'

export interface ParseResult {
  readonly resources: readonly IstioResource[]
  readonly diagnostics: readonly Diagnostic[]
  /** Documents of a kind meshdojo simulates that have an Error but a readable name: never applied, only analyzed. */
  readonly invalid: readonly InvalidResource[]
}

/**
 * A resource whose document failed validation, as written (with the namespace filled in), frozen. It has no
 * typed spec: only analysis reads it, through views that take each field for what it is (analyze/views.ts).
 */
export interface InvalidResource {
  readonly kind: Kind
  readonly meta: ResourceMeta
  readonly raw: unknown
}

/** How a document of a kind meshdojo does not simulate was taken (see ParseOptions.otherKind). */
export type OtherKindOutcome = 'read' | 'ignored'

export interface ParseOptions {
  /**
   * Offered each document whose kind meshdojo does not simulate, before it is reported (MD0003, an Error).
   * `read`: the caller uses it (analysis reads Kubernetes Services and Pods this way), nothing is reported;
   * `ignored`: an Info says it is not read; undefined: reported as usual.
   */
  readonly otherKind?: (value: Obj, source: SourceRef | undefined) => OtherKindOutcome | undefined
}

/** Kubernetes kinds people paste from Bookinfo's manifests: meshdojo runs those workloads itself. */
const WORKLOAD_KINDS: ReadonlySet<string> = new FrozenSet(['Deployment', 'Service', 'ServiceAccount', 'Pod', 'ConfigMap', 'Secret', 'Namespace', 'StatefulSet', 'DaemonSet'])

/** Parses every document of `text`; `file` names the source in diagnostics. */
export function parseConfig(text: string, file: string, opts: ParseOptions = {}): ParseResult {
  const { documents, diagnostics } = splitDocuments(text, file)
  const resources: IstioResource[] = []
  const invalid: InvalidResource[] = []
  for (const doc of documents) {
    for (const item of listItems(doc.value)) {
      const result = parseResource(item, doc.source, opts)
      for (const d of result.diagnostics) diagnostics.push(d) // never push(...list): a long list overflows the stack
      if (result.resource !== undefined) resources.push(result.resource)
      if (result.invalid !== undefined) invalid.push(result.invalid)
    }
  }
  return { resources, diagnostics, invalid }
}

/**
 * One document's value (already plain data, e.g. from JSON) → a frozen resource when it has no Error; with an
 * Error, the document as written (`invalid`) when its kind, apiVersion and name could be read.
 */
export function parseResource(value: unknown, source?: SourceRef, opts: ParseOptions = {}): { resource?: IstioResource; invalid?: InvalidResource; diagnostics: Diagnostic[] } {
  const r = new Reporter(source)
  const head = header(value, r, opts)
  if (head === undefined) return { diagnostics: r.diagnostics() }
  const { info, o } = head
  const meta = metadata(o.metadata, r, info.nameRule)
  const body = info.body ?? 'spec'
  checkShape(o, '', r, { fields: ['apiVersion', 'kind', 'metadata', body], quiet: ['status'] })
  if (meta !== undefined) checkAnnotations(meta.annotations, info.kind, r)
  // With bad metadata the spec is still read, so every mistake shows at once.
  const spec = info.parseSpec(o[body], body, r, meta ?? { name: '', namespace: r.identity.namespace ?? 'default', annotations: {} })
  const resourceMeta = meta === undefined ? undefined : { name: meta.name, namespace: meta.namespace, apiVersion: o.apiVersion as string, ...(source ? { source } : {}) }
  if (r.errorCount > 0 || resourceMeta === undefined || spec === undefined) {
    const invalid = resourceMeta === undefined ? undefined : deepFreeze<InvalidResource>({ kind: info.kind, meta: resourceMeta, raw: asApplied(o, meta!) })
    return { ...(invalid === undefined ? {} : { invalid }), diagnostics: r.diagnostics() }
  }
  const resource = { kind: info.kind, meta: resourceMeta, spec, raw: asApplied(o, meta!) } as IstioResource
  return { resource: deepFreeze(resource), diagnostics: r.diagnostics() }
}

/**
 * Only what `delete -f` needs (kind, name, namespace), without validating specs: deleting by a file whose
 * spec no longer validates must still work, as with kubectl.
 */
export function parseResourceRefs(text: string, file: string): { refs: ResourceRef[]; diagnostics: Diagnostic[] } {
  const { documents, diagnostics } = splitDocuments(text, file)
  const refs: ResourceRef[] = []
  for (const doc of documents) {
    for (const item of listItems(doc.value)) {
      const r = new Reporter(doc.source)
      const head = header(item, r)
      const meta = head === undefined ? undefined : metadata(head.o.metadata, r, head.info.nameRule)
      if (head !== undefined && meta !== undefined) refs.push({ kind: head.info.kind, name: meta.name, namespace: meta.namespace })
      for (const d of r.diagnostics()) if (d.level === 'Error') diagnostics.push(d)
    }
  }
  return { refs, diagnostics }
}

/** `kind: List` (what `get -o yaml` prints for several resources) is expanded into its items. */
function listItems(value: unknown): readonly unknown[] {
  if (isObj(value) && value.kind === 'List' && Array.isArray(value.items)) return value.items
  return [value]
}

/** apiVersion and kind → the kind's table entry, or the reason it is not supported. */
function header(value: unknown, r: Reporter, opts: ParseOptions = {}): { info: AnyKindInfo; o: Obj } | undefined {
  if (!isObj(value)) {
    r.error('MD0002', undefined, 'a document must be a Kubernetes object: a mapping with apiVersion, kind, metadata and spec', value)
    return undefined
  }
  const { kind, apiVersion } = value
  if (typeof kind !== 'string' || kind === '') {
    r.error('MD0002', 'kind', 'is required', ...(kind === undefined ? [] : [kind] as [unknown]))
    return undefined
  }
  r.identity.kind = kind
  if (isObj(value.metadata) && typeof value.metadata.name === 'string') {
    r.identity.name = value.metadata.name
    r.identity.namespace = typeof value.metadata.namespace === 'string' && value.metadata.namespace !== '' ? value.metadata.namespace : 'default'
  }
  // A kind meshdojo knows decides which apiVersions are right; a wrong one is an apiVersion error (MD0004).
  const known = KIND_LIST.find((k) => k.kind === kind)
  const accepted = known === undefined ? undefined : apiVersionsOf(known)
  if (apiVersion === undefined || apiVersion === null || apiVersion === '') {
    r.error('MD0004', 'apiVersion', accepted === undefined ? 'is required, e.g. "networking.istio.io/v1"' : `is required: ${kind} needs one of ${accepted.join(', ')}`)
    return undefined
  }
  if (typeof apiVersion !== 'string') {
    r.error('MD0004', 'apiVersion', `must be a string${accepted === undefined ? ' like "networking.istio.io/v1"' : `: ${kind} needs one of ${accepted.join(', ')}`}`, apiVersion)
    return undefined
  }
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : ''
  if (known === undefined || OTHER_APIS.get(group)?.has(kind)) {
    const taken = opts.otherKind?.(value, r.source)
    if (taken === 'ignored') r.info('MD0003', 'kind', `${kind} (${apiVersion}) is not simulated by meshdojo, and analysis does not read it`)
    else if (taken === undefined) r.error('MD0003', 'kind', unsupportedKind(kind, apiVersion))
    return undefined
  }
  // Only Istio's own ConfigMap (the mesh config) is simulated; any other is a plain Kubernetes object to
  // whoever reads those (analysis ignores it, as istioctl does; an apply still rejects it).
  if (known?.kind === 'ConfigMap' && opts.otherKind && !isMeshConfigMap(value)) {
    const taken = opts.otherKind(value, r.source)
    if (taken === 'ignored') r.info('MD0003', 'kind', `${kind} (${apiVersion}) is not simulated by meshdojo, and analysis does not read it`)
    if (taken !== undefined) return undefined
  }
  if (!accepted!.includes(apiVersion)) {
    r.error('MD0004', 'apiVersion', `${kind} needs one of ${accepted!.join(', ')}`, apiVersion)
    return undefined
  }
  const info = known
  return { info, o: value }
}

const isMeshConfigMap = (value: Obj): boolean => {
  const meta = value.metadata as { name?: unknown; namespace?: unknown } | undefined
  return meta?.name === MESH_CONFIG_MAP.name && (meta?.namespace ?? 'default') === MESH_CONFIG_MAP.namespace
}

/**
 * API groups with kinds named like Istio's that are other resources (so a kind error, not an apiVersion
 * error): the Kubernetes Gateway API's Gateway is not Istio's Gateway with a typo in its apiVersion.
 */
const OTHER_APIS: ReadonlyMap<string, ReadonlySet<string>> = new Map([['gateway.networking.k8s.io', new FrozenSet(['Gateway'])]])

/** For a kind meshdojo does not simulate (kinds it does are checked on apiVersion). */
function unsupportedKind(kind: string, apiVersion: string): string {
  const supported = `supported kinds: ${describeSupportedKinds()}`
  const sameName = KIND_LIST.find((k) => k.kind === kind)
  if (sameName !== undefined) return `${kind} of ${apiVersion} is not supported (only ${sameName.group}'s ${kind}); ${supported}`
  const typo = suggest(kind, KIND_LIST.map((k) => k.kind))
  const hint = typo !== undefined ? `. Did you mean ${typo}?` : WORKLOAD_KINDS.has(kind) ? '. meshdojo runs the Bookinfo workloads itself' : ''
  return `${kind} (${apiVersion}) is not simulated by meshdojo; ${supported}${hint}`
}

/** The document as applied, with the namespace filled in: what `get -o yaml` shows. */
function asApplied(o: Obj, meta: Meta): unknown {
  const { apiVersion, kind, metadata: m, spec, status: _status, ...rest } = o
  return structuredClone({
    apiVersion,
    kind,
    metadata: { ...(isObj(m) ? m : {}), name: meta.name, namespace: meta.namespace },
    spec,
    ...rest,
  })
}
