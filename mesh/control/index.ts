/** The config control plane's public surface: parse, analyze, store, resolve kinds, format. */

export type * from './types.ts'
export { parseConfig, parseResource, parseResourceRefs, type InvalidResource, type ParseOptions, type ParseResult } from './parse/parse-config.ts'
export { analyzeConfig, type AnalyzeOptions } from './analyze/analyze-config.ts'
export { analyzeFiles, type AnalyzedFile, type AnalyzeFilesOptions } from './analyze/analyze-files.ts'
export { clusterOfWorkloads, ISTIO_INGRESS_GATEWAY, ISTIOCTL_FILE_DEFAULTS, type Cluster, type ClusterNamespace, type ClusterPod, type ClusterService } from './analyze/cluster.ts'
export {
  ConfigStore,
  type ApplyOptions,
  type ApplyResult,
  type Change,
  type ChangeAction,
  type ConfigListener,
  type ConfigStoreOptions,
} from './config-store.ts'
export { ConfigRejectedError, formatDiagnostic, isError, sortDiagnostics } from './diagnostics.ts'
export { CODES, type Code } from './codes.ts'
export { describeSupportedKinds, KINDS, KIND_LIST, resolveKind, type KindInfo } from './kinds.ts'
export { formatResources, humanDuration, type FormatOptions, type OutputFormat } from './format.ts'
export { authorityToFqdn, hostMatches, hostsOverlap, stripPort, toFqdn, type AuthorityOptions } from './hosts.ts'
export { MESH_DEFAULT_RETRY } from './parse/retries.ts'
export { parseGoDuration } from './parse/duration.ts'
