/**
 * Istio configuration as the data plane sees it: parsed once at the edge (see parse/), frozen,
 * with durations in milliseconds, percentages as numbers 0–100 and regexes already compiled.
 * Field names follow networking.istio.io/v1 so a reader of Istio's docs recognises them.
 */

export type Kind = 'VirtualService' | 'DestinationRule' | 'Gateway'

/** Where a resource came from, for error messages: `file.yaml, document 2`. */
export interface SourceRef {
  readonly file: string
  /** 1-based index of the YAML document in the file. */
  readonly document: number
}

export interface ResourceMeta {
  readonly name: string
  readonly namespace: string
  readonly apiVersion: string
  readonly source?: SourceRef
}

// === StringMatch ===

/** Istio StringMatch; `present` is the empty match `{}` (or regex `*`) on headers and query params. */
export type StringMatch =
  | { readonly kind: 'exact'; readonly value: string }
  | { readonly kind: 'prefix'; readonly value: string }
  /** `regex` is anchored (`^(?:re)$`): RE2 in Envoy matches the whole string. */
  | { readonly kind: 'regex'; readonly value: string; readonly regex: RegExp }
  | { readonly kind: 'present' }

export interface NamedMatch {
  readonly name: string
  readonly match: StringMatch
}

// === VirtualService ===

export interface HTTPMatchRequest {
  readonly name?: string
  readonly uri?: StringMatch
  readonly scheme?: StringMatch
  readonly method?: StringMatch
  readonly authority?: StringMatch
  /** Header names lower-cased. */
  readonly headers: readonly NamedMatch[]
  readonly withoutHeaders: readonly NamedMatch[]
  readonly queryParams: readonly NamedMatch[]
  /** Applies to exact and prefix uri matches only. */
  readonly ignoreUriCase: boolean
  readonly port?: number
  /** Config-time selector on the calling workload's labels. */
  readonly sourceLabels?: Readonly<Record<string, string>>
  readonly sourceNamespace?: string
  /** Per-match override of the VirtualService's gateways. */
  readonly gateways?: readonly string[]
}

export interface Destination {
  /** As written (`reviews` or `reviews.default.svc.cluster.local`); see hosts.ts to normalise. */
  readonly host: string
  readonly subset?: string
  readonly port?: number
}

export interface HeaderOperations {
  readonly set: Readonly<Record<string, string>>
  readonly add: Readonly<Record<string, string>>
  readonly remove: readonly string[]
}

export interface HeadersSpec {
  readonly request?: HeaderOperations
  readonly response?: HeaderOperations
}

export interface HTTPRouteDestination {
  readonly destination: Destination
  /** Relative weight; a single destination gets 100 whatever it says. */
  readonly weight: number
  readonly headers?: HeadersSpec
}

export interface HTTPFaultInjection {
  /** `percent` absent in the YAML means 0: the fault never fires (Istio's documented default). */
  readonly delay?: { readonly fixedDelayMs: number; readonly percent: number }
  readonly abort?: {
    readonly httpStatus?: number
    /** gRPC status name (e.g. `UNAVAILABLE`); answered as HTTP 200 + grpc-status. */
    readonly grpcStatus?: string
    readonly percent: number
  }
}

/** Envoy retry conditions accepted in `retryOn`. */
export type RetryCondition =
  | '5xx'
  | 'gateway-error'
  | 'reset'
  | 'connect-failure'
  | 'envoy-ratelimited'
  | 'retriable-4xx'
  | 'refused-stream'
  | 'retriable-status-codes'
  | 'retriable-headers'
  | 'cancelled'
  | 'deadline-exceeded'
  | 'internal'
  | 'resource-exhausted'
  | 'unavailable'

export interface HTTPRetry {
  /** Number of retries: at most 1 + attempts requests. 0 disables retries. */
  readonly attempts: number
  /** Undefined: the route timeout bounds each try. */
  readonly perTryTimeoutMs?: number
  readonly retryOn: ReadonlySet<RetryCondition>
  /** Bare status codes from `retryOn` (they imply `retriable-status-codes`). */
  readonly retriableStatusCodes: ReadonlySet<number>
  readonly retryIgnorePreviousHosts: boolean
  /** Base interval of the jittered exponential backoff; Envoy's default is 25 ms. */
  readonly backoffMs: number
}

export interface HTTPRedirect {
  readonly uri?: string
  readonly authority?: string
  readonly scheme?: string
  readonly port?: number
  readonly derivePort?: 'FROM_PROTOCOL_DEFAULT' | 'FROM_REQUEST_PORT'
  readonly redirectCode: number
}

export interface HTTPRewrite {
  readonly uri?: string
  readonly authority?: string
  readonly uriRegexRewrite?: { readonly match: RegExp; readonly rewrite: string }
}

export interface HTTPDirectResponse {
  readonly status: number
  readonly body?: string
}

export interface HTTPMirror {
  readonly destination: Destination
  /** 0–100; an absent `mirrorPercentage` means 100. */
  readonly percent: number
}

export interface CorsPolicy {
  readonly allowOrigins: readonly StringMatch[]
  readonly allowMethods: readonly string[]
  readonly allowHeaders: readonly string[]
  readonly exposeHeaders: readonly string[]
  readonly maxAgeSeconds?: number
  readonly allowCredentials?: boolean
}

export interface HTTPRoute {
  readonly name?: string
  /** ORed blocks; empty means the route matches everything (a catch-all). */
  readonly match: readonly HTTPMatchRequest[]
  readonly route: readonly HTTPRouteDestination[]
  readonly redirect?: HTTPRedirect
  readonly directResponse?: HTTPDirectResponse
  readonly rewrite?: HTTPRewrite
  /** Whole-route timeout across retries; undefined means disabled (Istio's default). */
  readonly timeoutMs?: number
  /** Undefined means the mesh default retry policy. */
  readonly retries?: HTTPRetry
  readonly fault?: HTTPFaultInjection
  /** `mirror` + `mirrorPercentage` and `mirrors[]`, normalised into one list. */
  readonly mirrors: readonly HTTPMirror[]
  readonly corsPolicy?: CorsPolicy
  readonly headers?: HeadersSpec
}

export interface VirtualServiceSpec {
  readonly hosts: readonly string[]
  /** Absent in YAML means `['mesh']`: all sidecars. */
  readonly gateways: readonly string[]
  readonly http: readonly HTTPRoute[]
}

// === DestinationRule ===

export type SimpleLB = 'ROUND_ROBIN' | 'LEAST_REQUEST' | 'RANDOM' | 'PASSTHROUGH'

export type ConsistentHashKey =
  | { readonly kind: 'header'; readonly name: string }
  | { readonly kind: 'cookie'; readonly name: string; readonly path?: string; readonly ttlMs?: number }
  | { readonly kind: 'sourceIp' }
  | { readonly kind: 'queryParameter'; readonly name: string }

export interface LoadBalancerSettings {
  readonly simple?: SimpleLB
  readonly consistentHash?: ConsistentHashKey
}

export interface ConnectionPoolSettings {
  readonly tcp?: { readonly maxConnections?: number; readonly connectTimeoutMs?: number }
  readonly http?: {
    readonly http1MaxPendingRequests?: number
    readonly http2MaxRequests?: number
    /** 0 = unlimited; 1 disables keep-alive. */
    readonly maxRequestsPerConnection?: number
    readonly maxRetries?: number
    readonly idleTimeoutMs?: number
  }
}

export interface OutlierDetection {
  readonly consecutive5xxErrors?: number
  readonly consecutiveGatewayErrors?: number
  readonly intervalMs?: number
  readonly baseEjectionTimeMs?: number
  readonly maxEjectionPercent?: number
  readonly minHealthPercent?: number
}

export type TLSMode = 'DISABLE' | 'SIMPLE' | 'MUTUAL' | 'ISTIO_MUTUAL'

export interface TrafficPolicyFields {
  readonly loadBalancer?: LoadBalancerSettings
  readonly connectionPool?: ConnectionPoolSettings
  readonly outlierDetection?: OutlierDetection
  readonly tls?: { readonly mode: TLSMode }
}

export interface TrafficPolicy extends TrafficPolicyFields {
  readonly portLevelSettings: readonly (TrafficPolicyFields & { readonly port: number })[]
}

export interface Subset {
  readonly name: string
  readonly labels: Readonly<Record<string, string>>
  readonly trafficPolicy?: TrafficPolicy
}

export interface DestinationRuleSpec {
  readonly host: string
  readonly trafficPolicy?: TrafficPolicy
  readonly subsets: readonly Subset[]
}

// === Gateway ===

export interface GatewayServer {
  readonly port: { readonly number: number; readonly name?: string; readonly protocol: string }
  readonly hosts: readonly string[]
}

export interface GatewaySpec {
  readonly selector: Readonly<Record<string, string>>
  readonly servers: readonly GatewayServer[]
}

// === Resources ===

interface ResourceOf<K extends Kind, S> {
  readonly kind: K
  readonly meta: ResourceMeta
  readonly spec: S
  /** The document as the user wrote it, for `get -o yaml` and export. */
  readonly raw: unknown
}

export type VirtualService = ResourceOf<'VirtualService', VirtualServiceSpec>
export type DestinationRule = ResourceOf<'DestinationRule', DestinationRuleSpec>
export type Gateway = ResourceOf<'Gateway', GatewaySpec>
export type IstioResource = VirtualService | DestinationRule | Gateway

/** One immutable view of all applied config; sidecars compile it into their route tables. */
export interface ConfigSnapshot {
  /** Increases by one with every accepted change. */
  readonly version: number
  readonly virtualServices: readonly VirtualService[]
  readonly destinationRules: readonly DestinationRule[]
  readonly gateways: readonly Gateway[]
}
