/**
 * Istio configuration as the data plane sees it: parsed once at the edge (see parse/), frozen,
 * with durations in milliseconds, percentages as numbers 0–100 and regexes already compiled.
 * Field names follow networking.istio.io/v1 so a reader of Istio's docs recognises them.
 */

export type Kind = 'VirtualService' | 'DestinationRule' | 'Gateway' | 'PeerAuthentication' | 'AuthorizationPolicy' | 'LocalRateLimit' | 'ConfigMap'

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

/** A compiled RE2 regex (parse/regex.ts): matching takes time linear in the input, whatever the pattern. */
export interface Re2Matcher {
  /** The pattern as written in the config. */
  readonly source: string
  /** RE2 full match: true when the whole of `text` matches, as Envoy's StringMatcher requires. */
  matches(text: string): boolean
}

/** Istio StringMatch; `present` is the empty match `{}` (or regex `*`) on headers and query params. */
export type StringMatch =
  | { readonly kind: 'exact'; readonly value: string }
  | { readonly kind: 'prefix'; readonly value: string }
  /** `regex.matches` is RE2 full match: RE2 in Envoy matches the whole string. */
  | { readonly kind: 'regex'; readonly value: string; readonly regex: Re2Matcher }
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
    /** The numeric code of `grpcStatus` (`UNAVAILABLE` → 14), resolved at parse time; set with it. */
    readonly grpcCode?: number
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
  /** Accepted by Istio's validation; `reset-before-request` is Istio's inbound default. */
  | 'reset-before-request'
  | 'http3-post-connect-failure'

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
  /** Replaces the whole path. */
  readonly uri?: string
  /** Replaces the matched URI prefix (every uri match of the route is a prefix match). */
  readonly prefixRewrite?: string
  readonly authority?: string
  readonly scheme?: string
  readonly port?: number
  readonly derivePort?: 'FROM_PROTOCOL_DEFAULT' | 'FROM_REQUEST_PORT'
  readonly redirectCode: number
}

export interface HTTPRewrite {
  readonly uri?: string
  readonly authority?: string
  readonly uriRegexRewrite?: Re2Rewrite
}

/** `uriRegexRewrite`, compiled (parse/regex.ts): RE2, linear in the path's length. */
export interface Re2Rewrite {
  /** The regex as written; searched anywhere in the path. */
  readonly match: string
  /** As written, in RE2 rewrite syntax: `\1`…`\9` a capture group, `\0` the whole match, `\\` a backslash. */
  readonly rewrite: string
  /** `path` with every non-overlapping match replaced, as Envoy's regex_rewrite (RE2::GlobalReplace) does. */
  replaceAll(path: string): string
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

/** `http[].delegate`: the delegate VirtualService (one without hosts) whose routes take this route's place. */
export interface HTTPDelegate {
  /** May be empty (Istio accepts it): then no VirtualService is found and the route is skipped. */
  readonly name: string
  /** Absent: the root VirtualService's namespace. */
  readonly namespace?: string
}

export interface HTTPRoute {
  readonly name?: string
  /** ORed blocks; empty means the route matches everything (a catch-all). */
  readonly match: readonly HTTPMatchRequest[]
  /** Empty on a delegating route (`delegate` set). */
  readonly route: readonly HTTPRouteDestination[]
  /**
   * Only in a root VirtualService (one with hosts), never with `route` or `redirect`. Proxies never see it:
   * delegation.ts replaces the route with the delegate's routes, merged with this one's match and settings.
   */
  readonly delegate?: HTTPDelegate
  /**
   * Set by delegation.ts on a route merged in from a delegate VirtualService: where it came from. Its
   * destination hosts are already FQDNs resolved in the delegate's namespace, and its match `gateways` `ns/name`.
   */
  readonly delegatedFrom?: { readonly name: string; readonly namespace: string }
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
  /**
   * Empty for a delegate VirtualService: no proxy uses it directly; it only supplies routes to the root
   * VirtualServices that name it in `http[].delegate` (see delegation.ts).
   */
  readonly hosts: readonly string[]
  /** Absent in YAML means `['mesh']`: all sidecars. A delegate has none of its own: its root's apply. */
  readonly gateways: readonly string[]
  readonly http: readonly HTTPRoute[]
  /**
   * The namespaces this VirtualService is visible to, `.` resolved to its own; absent or empty means every
   * namespace (Istio's default `*`). Only delegation uses it: a delegate serves roots in these namespaces.
   */
  readonly exportTo?: readonly string[]
}

// === DestinationRule ===

export type SimpleLB = 'ROUND_ROBIN' | 'LEAST_REQUEST' | 'RANDOM' | 'PASSTHROUGH'

export type ConsistentHashKey =
  | { readonly kind: 'header'; readonly name: string }
  | {
      readonly kind: 'cookie'
      readonly name: string
      readonly path?: string
      readonly ttlMs?: number
      /** Extra attributes of a generated cookie (`SameSite=Strict`, `Secure`), in order. */
      readonly attributes?: readonly { readonly name: string; readonly value: string }[]
    }
  | { readonly kind: 'sourceIp' }
  | { readonly kind: 'queryParameter'; readonly name: string }

export interface LoadBalancerSettings {
  /** Undefined (and no consistentHash): Istio's default, LEAST_REQUEST. */
  readonly simple?: SimpleLB
  readonly consistentHash?: ConsistentHashKey
}

/** Limits left out (or written as 0, which Istio treats as unset) mean Envoy's default: unlimited. */
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
  /** `protocol` is upper-cased (`HTTP`, `HTTPS`, `GRPC-WEB`, …). */
  readonly port: { readonly number: number; readonly name?: string; readonly protocol: string }
  /** As written: `*`, `bookinfo.example.com`, `ns/host` or `./host`. */
  readonly hosts: readonly string[]
  readonly name?: string
  /** Present for HTTPS/TLS servers (not simulated) and HTTP servers with `httpsRedirect`. */
  readonly tls?: { readonly mode?: string; readonly httpsRedirect: boolean }
}

export interface GatewaySpec {
  readonly selector: Readonly<Record<string, string>>
  readonly servers: readonly GatewayServer[]
}

// === security.istio.io ===

/** `selector.matchLabels`: the workloads (pod labels) a policy applies to; absent = the whole namespace. */
export interface WorkloadSelector {
  readonly matchLabels: Readonly<Record<string, string>>
}

/** PeerAuthentication mTLS modes; UNSET inherits from the parent level (port → workload → namespace → mesh). */
export type MtlsMode = 'UNSET' | 'DISABLE' | 'PERMISSIVE' | 'STRICT'

export interface PeerAuthenticationSpec {
  readonly selector?: WorkloadSelector
  /** Absent means UNSET. */
  readonly mtls: { readonly mode: MtlsMode }
  /** Per workload port (the container port, 9080 for Bookinfo); only with a selector. */
  readonly portLevelMtls: readonly { readonly port: number; readonly mode: MtlsMode }[]
}

/** CUSTOM delegates the decision to an ext_authz `provider` of the mesh config (see MeshConfigSpec). */
export type AuthorizationAction = 'ALLOW' | 'DENY' | 'AUDIT' | 'CUSTOM'

/**
 * `targetRef` / `targetRefs` (Istio's PolicyTargetReference): the Gateway API Gateway, GatewayClass, Service or
 * ServiceEntry a policy attaches to, in the policy's namespace. `group` is '' for the core group (Service).
 */
export interface PolicyTargetReference {
  readonly group: string
  readonly kind: 'Gateway' | 'GatewayClass' | 'Service' | 'ServiceEntry'
  readonly name: string
}

/**
 * One value of an AuthorizationPolicy list, compiled at parse time (parse/authz-values.ts) into Istio's match:
 * exact, `prefix*`, `*suffix`, `*` (any non-empty value), a CIDR block, a port, or a glob/template run on RE2.
 * `matches` is linear in the length of what it is given.
 */
export interface AuthzMatcher {
  /** The value as written in the policy. */
  readonly source: string
  /** Whether the request attribute this value constrains (named on each list) matches; '' means the request has none. */
  matches(attribute: string): boolean
}

/**
 * `rules[].from[].source`. Absent lists are empty and do not constrain the match. The principal lists, `namespaces`,
 * `serviceAccounts` and `trustDomains` match the peer's verified identity (`spiffe://…`, '' for plain text); the
 * request principal lists the JWT principal ('' here: there is no RequestAuthentication); the IP lists an address.
 */
export interface AuthorizationSource {
  readonly principals: readonly AuthzMatcher[]
  readonly notPrincipals: readonly AuthzMatcher[]
  readonly requestPrincipals: readonly AuthzMatcher[]
  readonly notRequestPrincipals: readonly AuthzMatcher[]
  readonly namespaces: readonly AuthzMatcher[]
  readonly notNamespaces: readonly AuthzMatcher[]
  readonly serviceAccounts: readonly AuthzMatcher[]
  readonly notServiceAccounts: readonly AuthzMatcher[]
  readonly trustDomains: readonly AuthzMatcher[]
  readonly notTrustDomains: readonly AuthzMatcher[]
  /** Match the downstream (peer) address. */
  readonly ipBlocks: readonly AuthzMatcher[]
  readonly notIpBlocks: readonly AuthzMatcher[]
  /** Match the original client address (the peer's, since sidecars trust no X-Forwarded-For hops). */
  readonly remoteIpBlocks: readonly AuthzMatcher[]
  readonly notRemoteIpBlocks: readonly AuthzMatcher[]
}

/** `rules[].to[].operation`: hosts match the authority (ignoring case), ports the port in decimal, paths the path without query. */
export interface AuthorizationOperation {
  readonly hosts: readonly AuthzMatcher[]
  readonly notHosts: readonly AuthzMatcher[]
  readonly ports: readonly AuthzMatcher[]
  readonly notPorts: readonly AuthzMatcher[]
  readonly methods: readonly AuthzMatcher[]
  readonly notMethods: readonly AuthzMatcher[]
  readonly paths: readonly AuthzMatcher[]
  readonly notPaths: readonly AuthzMatcher[]
}

/**
 * The request attribute a `when` key names: a request header (`request.headers[x-user]`, lower-cased), the peer's
 * identity (`source.principal`, `source.namespace`, `source.serviceAccount`, `source.trustDomain`), an address, the
 * destination port, the SNI, or `none` for what never exists here (`request.auth.*` without JWT, `experimental.*`).
 */
export type AuthorizationAttribute =
  | { readonly kind: 'header'; readonly name: string }
  | { readonly kind: 'peerIdentity' | 'sourceIp' | 'remoteIp' | 'destinationIp' | 'destinationPort' | 'sni' | 'none' }

/** `rules[].when[]`: `values` ORed, `notValues` negated, over `attribute`. */
export interface AuthorizationCondition {
  /** As written: `request.headers[x-user]`, `source.principal`, … */
  readonly key: string
  readonly attribute: AuthorizationAttribute
  readonly values: readonly AuthzMatcher[]
  readonly notValues: readonly AuthzMatcher[]
}

/** A rule matches when any `from` matches, any `to` matches and every `when` holds; an absent list matches anything. */
export interface AuthorizationRule {
  readonly from?: readonly AuthorizationSource[]
  readonly to?: readonly AuthorizationOperation[]
  readonly when: readonly AuthorizationCondition[]
}

export interface AuthorizationPolicySpec {
  readonly selector?: WorkloadSelector
  /**
   * `targetRefs`, or the single `targetRef` (Istio reads targetRefs when both are set): Gateway API gateways and
   * waypoints. Not empty: no sidecar (and no classic ingress gateway) applies the policy, as in Istio.
   */
  readonly targetRefs: readonly PolicyTargetReference[]
  /** Default ALLOW. */
  readonly action: AuthorizationAction
  /** CUSTOM only: `provider.name`, an extension provider of the mesh config (`istio` ConfigMap). */
  readonly provider?: string
  /**
   * No rules: the policy matches nothing (an ALLOW policy without rules denies everything it selects). For CUSTOM,
   * the rules say which requests are checked with the provider.
   */
  readonly rules: readonly AuthorizationRule[]
  /** `metadata.annotations["istio.io/dry-run"]` is true: evaluated, never enforced (ALLOW and DENY only). */
  readonly dryRun: boolean
}

// === mesh config (the `istio` ConfigMap in istio-system, `data.mesh`) ===

/**
 * A header name list of an ext_authz provider (`includeRequestHeadersInCheck`, `headersToUpstreamOnAllow`…),
 * compiled: `abc` exact, `abc*` prefix, `*abc` suffix, all ignoring case (Istio's generateHeaders).
 */
export interface HeaderNameMatcher {
  /** The names as written. */
  readonly sources: readonly string[]
  /** Whether a lower-cased header name matches one of them. */
  matches(name: string): boolean
}

/** MeshConfig `envoyExtAuthzHttp`: Envoy's ext_authz HTTP service, as Istio builds it. */
export interface EnvoyExtAuthzHttpProvider {
  /** As written: `ext-authz.default.svc.cluster.local` or `default/ext-authz.default.svc.cluster.local`. */
  readonly service: string
  readonly port: number
  /** Istio's default: 600 s. 0: no timeout. */
  readonly timeoutMs: number
  /** Prepended to the request path in the check request; '' for none. */
  readonly pathPrefix: string
  /** Allow the request when the check fails (provider unreachable, timeout, 5xx). */
  readonly failOpen: boolean
  /** The status answered when the check fails and failOpen is false; default 403. */
  readonly statusOnError: number
  /** Client request headers sent in the check, besides Host, Method, Path, Content-Length and Authorization. */
  readonly includeRequestHeadersInCheck: HeaderNameMatcher
  /** Fixed headers added to the check request (they override client headers of the same name). */
  readonly includeAdditionalHeadersInCheck: readonly (readonly [name: string, value: string])[]
  /** Provider response headers set on the request to the app when allowed; none when empty. */
  readonly headersToUpstreamOnAllow: HeaderNameMatcher
  /** Provider response headers in the denial; empty: all of them but Host. */
  readonly headersToDownstreamOnDeny: HeaderNameMatcher
  /** Provider response headers added to the app's response when allowed; none when empty. */
  readonly headersToDownstreamOnAllow: HeaderNameMatcher
}

/** MeshConfig `envoyExtAuthzGrpc`: validated, not simulated (every check fails as if the provider were down). */
export interface EnvoyExtAuthzGrpcProvider {
  readonly service: string
  readonly port: number
  readonly timeoutMs: number
  readonly failOpen: boolean
  readonly statusOnError: number
}

/** One `extensionProviders[]` entry; providers other than ext_authz (tracing, logging…) only keep their name. */
export type ExtensionProvider = { readonly name: string } & (
  | { readonly type: 'envoyExtAuthzHttp'; readonly http: EnvoyExtAuthzHttpProvider; readonly problem?: string }
  | { readonly type: 'envoyExtAuthzGrpc'; readonly grpc: EnvoyExtAuthzGrpcProvider; readonly problem?: string }
  | { readonly type: 'other'; readonly field: string }
)

/**
 * The parts of Istio's MeshConfig that meshdojo reads. `problem`: why Istio's sidecars would treat an ext_authz
 * provider as invalid although the mesh config loads (a lone `*` header, a bad name): CUSTOM policies naming it deny.
 */
export interface MeshConfigSpec {
  /** Istio's built-in providers (prometheus, stackdriver, envoy), then the ConfigMap's, merged by name. */
  readonly extensionProviders: readonly ExtensionProvider[]
}

// === meshdojo.dev ===

/** Envoy's token bucket: starts full, gains `tokensPerFill` every `fillIntervalMs`, holds at most `maxTokens`. */
export interface TokenBucket {
  readonly maxTokens: number
  readonly tokensPerFill: number
  readonly fillIntervalMs: number
}

export interface LocalRateLimitRoute {
  readonly name?: string
  /**
   * Identifies this route's bucket across config pushes: the route as written (match and bucket), in stable JSON.
   * A push that keeps it keeps the bucket's tokens; changing the route starts a fresh bucket.
   */
  readonly bucketKey: string
  /** ORed blocks, as in a VirtualService route; empty matches every request. */
  readonly match: readonly HTTPMatchRequest[]
  readonly tokenBucket: TokenBucket
}

/**
 * meshdojo.dev/v1alpha1 LocalRateLimit: Envoy's local rate limit filter on the inbound side of the
 * selected workloads, without an EnvoyFilter. The first route whose match holds uses its own bucket;
 * other requests use the workload bucket (none: not limited). Each sidecar has its own buckets.
 */
export interface LocalRateLimitSpec {
  readonly selector?: WorkloadSelector
  readonly tokenBucket?: TokenBucket
  readonly routes: readonly LocalRateLimitRoute[]
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
export type PeerAuthentication = ResourceOf<'PeerAuthentication', PeerAuthenticationSpec>
export type AuthorizationPolicy = ResourceOf<'AuthorizationPolicy', AuthorizationPolicySpec>
export type LocalRateLimit = ResourceOf<'LocalRateLimit', LocalRateLimitSpec>
/** Only Istio's `istio` ConfigMap in `istio-system`; its spec is the mesh config read from `data.mesh`. */
export type MeshConfigMap = ResourceOf<'ConfigMap', MeshConfigSpec>
export type IstioResource = VirtualService | DestinationRule | Gateway | PeerAuthentication | AuthorizationPolicy | LocalRateLimit | MeshConfigMap

/** One immutable view of all applied config; sidecars compile it into their route tables. */
export interface ConfigSnapshot {
  /** Increases by one with every accepted change. */
  readonly version: number
  readonly virtualServices: readonly VirtualService[]
  readonly destinationRules: readonly DestinationRule[]
  readonly gateways: readonly Gateway[]
  readonly peerAuthentications: readonly PeerAuthentication[]
  readonly authorizationPolicies: readonly AuthorizationPolicy[]
  readonly localRateLimits: readonly LocalRateLimit[]
  /** From the `istio` ConfigMap; absent: Istio's default mesh config (no ext_authz provider). */
  readonly meshConfig?: MeshConfigSpec
}

// === Diagnostics (additive: parse/analysis results) ===

export type DiagnosticLevel = 'Error' | 'Warning' | 'Info'

/**
 * One finding about config, shaped like an `istioctl analyze` message. `code` is an Istio `IST…` code where
 * Istio has one, otherwise a meshdojo `MD…` code; every code is documented in docs/errors.md.
 */
export interface Diagnostic {
  readonly level: DiagnosticLevel
  readonly code: string
  readonly kind?: string
  readonly name?: string
  readonly namespace?: string
  /** Path of the field at fault, e.g. `spec.http[0].route[1].weight`. */
  readonly field?: string
  /** Human-readable; includes the offending value rendered as JSON (`got "fifty"`). */
  readonly message: string
  /** The offending value as received. */
  readonly value?: unknown
  readonly source?: SourceRef
}

/** Identifies one stored resource (what `kubectl delete` needs). */
export interface ResourceRef {
  readonly kind: Kind
  readonly name: string
  readonly namespace: string
}
