/**
 * The kinds meshdojo simulates: one table entry per kind holds its API group and versions, kubectl names,
 * name rule, spec parser and table columns. Adding a kind (e.g. security.istio.io PeerAuthentication) means
 * one entry here plus its types and parser.
 */

import { MeshError } from '../errors.ts'
import { destinationRuleSpec } from './parse/destination-rule.ts'
import { gatewaySpec } from './parse/gateway.ts'
import type { Meta } from './parse/metadata.ts'
import type { Reporter } from './parse/reporter.ts'
import { virtualServiceSpec } from './parse/virtual-service.ts'
import { peerAuthenticationSpec } from './parse/peer-authentication.ts'
import { authorizationPolicySpec } from './parse/authorization-policy.ts'
import { localRateLimitSpec } from './parse/local-rate-limit.ts'
import { meshConfigMap } from './parse/mesh-config.ts'
import type { IstioResource, Kind } from './types.ts'

export type SpecOf<K extends Kind> = Extract<IstioResource, { kind: K }>['spec']

export interface Column {
  readonly header: string
  /** Reads the value from the resource as applied (like a CRD printer column's jsonPath). */
  readonly value: (raw: Readonly<Record<string, unknown>>) => unknown
}

export interface KindInfo<K extends Kind = Kind> {
  readonly kind: K
  /** '' for the Kubernetes core group, whose apiVersion is the bare version (`v1`). */
  readonly group: string
  readonly versions: readonly string[]
  readonly plural: string
  readonly singular: string
  readonly shortNames: readonly string[]
  /** Kubernetes rule for metadata.name; Istio additionally requires Gateway names to be DNS labels. */
  readonly nameRule: 'subdomain' | 'label'
  /** `meta`: the resource's parsed metadata (a policy's namespace, AuthorizationPolicy's dry-run annotation). */
  readonly parseSpec: (spec: unknown, field: string, r: Reporter, meta: Meta) => SpecOf<K> | undefined
  /** The top-level field `parseSpec` reads: `spec`, or `data` for a ConfigMap. */
  readonly body?: 'spec' | 'data'
  /** Columns between NAME and AGE in `get` tables (the CRD's additionalPrinterColumns). */
  readonly columns: readonly Column[]
}

const ISTIO_NETWORKING = { group: 'networking.istio.io', versions: ['v1', 'v1beta1', 'v1alpha3'] } as const
const ISTIO_SECURITY = { group: 'security.istio.io', versions: ['v1', 'v1beta1'] } as const
const MESHDOJO = { group: 'meshdojo.dev', versions: ['v1alpha1'] } as const
const CORE = { group: '', versions: ['v1'] } as const
const spec = (raw: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> =>
  typeof raw.spec === 'object' && raw.spec !== null ? (raw.spec as Record<string, unknown>) : {}

export const KINDS: { readonly [K in Kind]: KindInfo<K> } = {
  VirtualService: {
    kind: 'VirtualService',
    ...ISTIO_NETWORKING,
    plural: 'virtualservices',
    singular: 'virtualservice',
    shortNames: ['vs'],
    nameRule: 'subdomain',
    parseSpec: virtualServiceSpec,
    columns: [
      { header: 'GATEWAYS', value: (raw) => spec(raw).gateways },
      { header: 'HOSTS', value: (raw) => spec(raw).hosts },
    ],
  },
  DestinationRule: {
    kind: 'DestinationRule',
    ...ISTIO_NETWORKING,
    plural: 'destinationrules',
    singular: 'destinationrule',
    shortNames: ['dr'],
    nameRule: 'subdomain',
    parseSpec: destinationRuleSpec,
    columns: [{ header: 'HOST', value: (raw) => spec(raw).host }],
  },
  Gateway: {
    kind: 'Gateway',
    ...ISTIO_NETWORKING,
    plural: 'gateways',
    singular: 'gateway',
    shortNames: ['gw'],
    nameRule: 'label',
    parseSpec: gatewaySpec,
    columns: [],
  },
  PeerAuthentication: {
    kind: 'PeerAuthentication',
    ...ISTIO_SECURITY,
    plural: 'peerauthentications',
    singular: 'peerauthentication',
    shortNames: ['pa'],
    nameRule: 'subdomain',
    parseSpec: peerAuthenticationSpec,
    // Istio's CRD printer column: `.spec.mtls.mode`.
    columns: [{ header: 'MODE', value: (raw) => (spec(raw).mtls as { mode?: unknown } | undefined)?.mode }],
  },
  AuthorizationPolicy: {
    kind: 'AuthorizationPolicy',
    ...ISTIO_SECURITY,
    plural: 'authorizationpolicies',
    singular: 'authorizationpolicy',
    shortNames: ['ap'],
    nameRule: 'subdomain',
    parseSpec: authorizationPolicySpec,
    // Istio's CRD printer column: `.spec.action` (empty when the default ALLOW is implied).
    columns: [{ header: 'ACTION', value: (raw) => spec(raw).action }],
  },
  LocalRateLimit: {
    kind: 'LocalRateLimit',
    ...MESHDOJO,
    plural: 'localratelimits',
    singular: 'localratelimit',
    shortNames: ['lrl'],
    nameRule: 'subdomain',
    parseSpec: localRateLimitSpec,
    columns: [
      { header: 'SELECTOR', value: (raw) => (spec(raw).selector as { matchLabels?: unknown } | undefined)?.matchLabels },
      { header: 'MAX-TOKENS', value: (raw) => (spec(raw).tokenBucket as { maxTokens?: unknown } | undefined)?.maxTokens },
    ],
  },
  // Only Istio's mesh config, the `istio` ConfigMap in istio-system (parse/mesh-config.ts).
  ConfigMap: {
    kind: 'ConfigMap',
    ...CORE,
    plural: 'configmaps',
    singular: 'configmap',
    shortNames: ['cm'],
    nameRule: 'subdomain',
    parseSpec: meshConfigMap,
    body: 'data',
    // kubectl's DATA column: how many keys `data` has.
    columns: [{ header: 'DATA', value: (raw) => (typeof raw.data === 'object' && raw.data !== null ? Object.keys(raw.data).length : 0) }],
  },
}

/** The apiVersions a kind takes: `group/version`, or the bare version for the core group (`v1`). */
export const apiVersionsOf = (k: Pick<KindInfo, 'group' | 'versions'>): string[] => k.versions.map((v) => (k.group === '' ? v : `${k.group}/${v}`))

/** Any one kind's entry. */
export type AnyKindInfo = { [K in Kind]: KindInfo<K> }[Kind]

export const KIND_LIST: readonly AnyKindInfo[] = Object.values(KINDS)

/** `VirtualService, DestinationRule, Gateway (networking.istio.io/v1, v1beta1, v1alpha3)`, for messages. */
export function describeSupportedKinds(): string {
  const byGroup = new Map<string, AnyKindInfo[]>()
  for (const k of KIND_LIST) byGroup.set(k.group, [...(byGroup.get(k.group) ?? []), k])
  return [...byGroup.values()]
    .map((ks) => `${ks.map((k) => k.kind).join(', ')} (${ks[0]!.group === '' ? `${ks[0]!.versions.join(', ')}, only istio-system/istio` : `${ks[0]!.group}/${ks[0]!.versions.join(', ')}`})`)
    .join('; ')
}

/** The kind for a kubectl-style name: `virtualservices`, `virtualservice`, `vs`, `VirtualService`, `vs.networking.istio.io`… */
export function resolveKind(name: string): Kind {
  const wanted = name.trim().toLowerCase()
  for (const k of KIND_LIST) {
    const names = [k.kind.toLowerCase(), k.plural, k.singular, ...k.shortNames]
    if (names.some((n) => wanted === n || (k.group !== '' && wanted === `${n}.${k.group}`))) return k.kind
  }
  const valid = KIND_LIST.map((k) => `${k.plural} (${k.shortNames.join(', ')})`).join(', ')
  throw new MeshError('MESH_USAGE', `unknown resource type ${JSON.stringify(name)}; use one of: ${valid}`, 'kind')
}
