/**
 * The `istio` ConfigMap in `istio-system` (core `v1`), which holds Istio's mesh config as YAML text in
 * `data.mesh`: what Istio's External Authorization task edits (`kubectl edit configmap istio -n istio-system`).
 * meshdojo reads `extensionProviders` from it (the ext_authz providers that `action: CUSTOM` policies name);
 * every other mesh config field is accepted with an MD0104 warning. A mesh config istiod would refuse to load
 * (ValidateMeshConfig) is an Error: the apply changes nothing, as istiod keeps its previous mesh config.
 */

import { deepFreeze } from '../freeze.ts'
import type { ExtensionProvider, MeshConfigSpec } from '../types.ts'
import { readYaml } from './documents.ts'
import { extensionProvider, protoFields } from './extension-provider.ts'
import { absent, list, object, strMap } from './fields.ts'
import type { Meta } from './metadata.ts'
import { at, type Reporter } from './reporter.ts'

/** The only ConfigMap meshdojo reads: istiod's mesh config. */
export const MESH_CONFIG_MAP = Object.freeze({ name: 'istio', namespace: 'istio-system' })

/** The providers every Istio mesh config starts with (mesh.DefaultMeshConfig); user providers replace them by name. */
const BUILTIN: readonly ExtensionProvider[] = [
  { name: 'prometheus', type: 'other', field: 'prometheus' },
  { name: 'stackdriver', type: 'other', field: 'stackdriver' },
  { name: 'envoy', type: 'other', field: 'envoyFileAccessLog' },
]

/** Istio's default mesh config, as far as meshdojo reads it: no ext_authz provider. */
export const DEFAULT_MESH_CONFIG: MeshConfigSpec = deepFreeze({ extensionProviders: BUILTIN })

/** MeshConfig's other fields (JSON names, istio/api mesh/v1alpha1/config.proto): accepted, not simulated. */
const OTHER_FIELDS = [
  'proxyListenPort', 'proxyInboundListenPort', 'proxyHttpPort', 'connectTimeout', 'hboneIdleTimeout', 'protocolDetectionTimeout',
  'tcpKeepalive', 'ingressClass', 'ingressService', 'ingressControllerMode', 'ingressSelector', 'enableTracing', 'accessLogFile',
  'accessLogFormat', 'accessLogEncoding', 'enableEnvoyAccessLogService', 'disableEnvoyListenerLog', 'defaultConfig',
  'outboundTrafficPolicy', 'inboundTrafficPolicy', 'configSources', 'enableAutoMtls', 'trustDomain', 'trustDomainAliases',
  'caCertificates', 'defaultServiceExportTo', 'defaultVirtualServiceExportTo', 'defaultDestinationRuleExportTo', 'rootNamespace',
  'localityLbSetting', 'zoneAwareLbSetting', 'dnsRefreshRate', 'h2UpgradePolicy', 'inboundClusterStatName', 'outboundClusterStatName',
  'certificates', 'serviceSettings', 'serviceScopeConfigs', 'enablePrometheusMerge', 'verifyCertificateAtClient', 'ca',
  'defaultProviders', 'discoverySelectors', 'pathNormalization', 'defaultHttpRetryPolicy', 'tlsDefaults', 'defaultTrafficPolicy',
  'serviceEntryVisibility',
]

/** Fields whose value is what meshdojo does anyway: no warning then. */
const AS_MESHDOJO: Readonly<Record<string, unknown>> = Object.freeze({ enableAutoMtls: true, rootNamespace: 'istio-system', trustDomain: 'cluster.local' })

const HINTS: Readonly<Record<string, string>> = Object.freeze({
  enableAutoMtls: 'is read from the command line here: start the demo with --no-auto-mtls',
  rootNamespace: 'is always istio-system here',
  trustDomain: 'is always cluster.local here',
})

/** `data` of a ConfigMap; `meta` must name `istio` in `istio-system`. */
export function meshConfigMap(v: unknown, field: string, r: Reporter, meta: Meta): MeshConfigSpec | undefined {
  if (meta.name !== '' && (meta.name !== MESH_CONFIG_MAP.name || meta.namespace !== MESH_CONFIG_MAP.namespace)) {
    r.error('MD0003', 'metadata.name', `ConfigMap ${meta.namespace}/${meta.name} is not simulated: meshdojo reads only Istio's mesh config, the ConfigMap ${MESH_CONFIG_MAP.name} in namespace ${MESH_CONFIG_MAP.namespace}`)
    return undefined
  }
  const data = strMap(v, field, r)
  for (const key of Object.keys(data)) {
    if (key === 'mesh') continue
    r.warn('MD0104', at(field, key), key === 'meshNetworks' ? 'mesh networks (multi-network meshes) are not simulated' : 'is not read: istiod reads data.mesh (and data.meshNetworks)')
  }
  const meshField = at(field, 'mesh')
  if (!Object.hasOwn(data, 'mesh')) {
    r.warn('MD0108', meshField, "has no mesh config: Istio's defaults apply (no ext_authz provider)")
    return DEFAULT_MESH_CONFIG
  }
  const mesh = meshValue(data.mesh!, meshField, r)
  return mesh === undefined ? undefined : meshConfig(mesh, meshField, r)
}

/** The YAML text of `data.mesh`, read within the same limits as any config. */
function meshValue(text: string, field: string, r: Reporter): unknown {
  const read = readYaml(text, { maxDocuments: 1, subject: { name: 'data.mesh', per: 'ConfigMap' } })
  const problems = [...read.documents.flatMap((d) => d.problems), ...(read.stop ? [read.stop] : [])]
  for (const p of problems) {
    const where = p.path === undefined ? field : p.path.reduce<string>((f, k) => at(f, k), field)
    if (p.level === 'Error') r.error(p.code, where, p.message)
    else r.warn(p.code, where, p.message)
  }
  if (problems.some((p) => p.level === 'Error')) return undefined
  return read.documents[0]?.value ?? {}
}

function meshConfig(v: unknown, field: string, r: Reporter): MeshConfigSpec | undefined {
  const o = absent(v) ? {} : object(v, field, r)
  if (o === undefined) return undefined
  const fields = protoFields(o, field, r, ['extensionProviders', ...OTHER_FIELDS])
  for (const key of OTHER_FIELDS) {
    if (absent(fields[key]) || (Object.hasOwn(AS_MESHDOJO, key) && fields[key] === AS_MESHDOJO[key])) continue
    r.warn('MD0104', at(field, key), HINTS[key] ?? 'is not simulated: meshdojo reads only extensionProviders from the mesh config')
  }
  const before = r.errorCount
  const providersField = at(field, 'extensionProviders')
  const parsed: (ExtensionProvider | undefined)[] = (list(fields.extensionProviders, providersField, r) ?? []).map((item, i) => extensionProvider(item, at(providersField, i), r))
  if (r.errorCount > before) return undefined
  return { extensionProviders: merge(parsed.filter((p): p is ExtensionProvider => p !== undefined), providersField, r) }
}

/**
 * istiod's merge (mesh.ApplyMeshConfig): a provider named like an earlier one, built-in or not, replaces it in place,
 * so a name given twice is not an error there: the last definition wins, which deserves a warning.
 */
function merge(providers: readonly ExtensionProvider[], field: string, r: Reporter): ExtensionProvider[] {
  const out = [...BUILTIN]
  const seen = new Set<string>()
  providers.forEach((p, i) => {
    if (seen.has(p.name)) r.warn('MD0118', at(at(field, i), 'name'), `extension provider ${JSON.stringify(p.name)} is defined more than once; the last definition wins`)
    seen.add(p.name)
    const at_ = out.findIndex((e) => e.name === p.name)
    if (at_ >= 0) out[at_] = p
    else out.push(p)
  })
  return out
}
