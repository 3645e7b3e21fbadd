/**
 * MeshConfig `extensionProviders[]`: Istio's ValidateMeshConfig checks (agent/extensionprovider.go), read the way
 * istiod reads the `istio` ConfigMap (protobuf JSON: camelCase or snake_case names, unknown fields ignored, which
 * meshdojo warns about). ext_authz HTTP providers are compiled for the sidecars; gRPC ones are validated and
 * warned about (not simulated); tracing, metrics and logging providers keep only their name.
 * Checks istiod makes later, when it builds a sidecar's config (a lone `*` header, the provider name's format),
 * do not stop the mesh config from loading: they are warnings here and make the provider invalid at runtime.
 */

import type { EnvoyExtAuthzGrpcProvider, EnvoyExtAuthzHttpProvider, ExtensionProvider, HeaderNameMatcher } from '../types.ts'
import { parseGoDuration } from './duration.ts'
import { absent, bool, object, str, strList, strMap, suggest, type Obj } from './fields.ts'
import { fqdnProblem, isHeaderName, isIPAddress, wildcardDomainProblem } from './names.ts'
import { at, type Reporter } from './reporter.ts'

/** The oneof `provider` (JSON names), and whether Istio checks a `service` and `port` on it. */
const PROVIDER_TYPES: Readonly<Record<string, { readonly service: boolean }>> = Object.freeze({
  envoyExtAuthzHttp: { service: true }, envoyExtAuthzGrpc: { service: true }, zipkin: { service: true },
  lightstep: { service: true }, datadog: { service: true }, stackdriver: { service: false }, opencensus: { service: true },
  skywalking: { service: true }, opentelemetry: { service: true }, prometheus: { service: false },
  envoyFileAccessLog: { service: false }, envoyHttpAls: { service: true }, envoyTcpAls: { service: true },
  envoyOtelAls: { service: true }, sds: { service: false },
})

const HTTP_FIELDS = [
  'service', 'port', 'timeout', 'pathPrefix', 'failOpen', 'clearRouteCache', 'statusOnError', 'includeHeadersInCheck',
  'includeRequestHeadersInCheck', 'includeAdditionalHeadersInCheck', 'includeRequestBodyInCheck',
  'headersToUpstreamOnAllow', 'headersToDownstreamOnDeny', 'headersToDownstreamOnAllow',
]
const GRPC_FIELDS = ['service', 'port', 'timeout', 'failOpen', 'clearRouteCache', 'statusOnError', 'includeRequestBodyInCheck']

/** Istio's default timeout for ext_authz checks (timeoutOrDefault). */
const DEFAULT_TIMEOUT_MS = 600_000

/** Envoy's envoy.type.v3.StatusCode values; Envoy's HttpStatus refuses 0 (Empty) although Istio lets it through. */
const STATUS_CODES: ReadonlySet<number> = new Set([
  100, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 307, 308, 400, 401, 402, 403,
  404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 421, 422, 423, 424, 426, 428, 429, 431, 500,
  501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
])

/** One provider; undefined when it has an Error (the whole mesh config is then rejected, as istiod does). */
export function extensionProvider(v: unknown, field: string, r: Reporter): ExtensionProvider | undefined {
  const o = object(v, field, r)
  if (o === undefined) {
    if (absent(v)) r.error('MD0108', field, 'empty extension provider name')
    return undefined
  }
  const fields = protoFields(o, field, r, ['name', ...Object.keys(PROVIDER_TYPES)])
  const before = r.errorCount
  const name = str(fields.name, at(field, 'name'), r) ?? ''
  if (name === '') r.error('MD0108', at(field, 'name'), 'empty extension provider name')
  const types = Object.keys(PROVIDER_TYPES).filter((t) => !absent(fields[t]))
  if (types.length === 0) r.error('MD0108', field, `needs one provider: ${Object.keys(PROVIDER_TYPES).join(', ')}`)
  if (types.length > 1) r.error('MD0107', at(field, types[1]!), `only one provider may be set, found ${types.join(' and ')}`)
  const type = types[0]
  if (type === undefined || r.errorCount > before) return undefined
  const inner = at(field, type)
  if (type === 'envoyExtAuthzHttp') {
    const compiled = httpProvider(fields[type], inner, r)
    if (compiled === undefined) return undefined
    const { problem, ...http } = compiled
    return withProblem({ name, type, http }, nameProblem(name) ?? problem, at(field, 'name'), r)
  }
  if (type === 'envoyExtAuthzGrpc') {
    const grpc = grpcProvider(fields[type], inner, r)
    if (grpc === undefined) return undefined
    r.warn('MD0104', inner, 'gRPC ext_authz is not simulated: every check to this provider fails as if it were unreachable (statusOnError, default 403, or the request passes with failOpen); use envoyExtAuthzHttp (Istio\'s sample ext-authz serves HTTP checks on port 8000)')
    return withProblem({ name, type, grpc }, nameProblem(name), at(field, 'name'), r)
  }
  const settings = object(fields[type], inner, r)
  if (settings !== undefined && PROVIDER_TYPES[type]!.service) {
    const f = protoFields(settings, inner, r, ['service', 'port'], false)
    serviceOf(f.service, at(inner, 'service'), r)
    portOf(f.port, at(inner, 'port'), r)
  }
  if (r.errorCount > before) return undefined
  r.warn('MD0104', inner, `${type} providers are not simulated: meshdojo's telemetry is built in`)
  return { name, type: 'other', field: type }
}

/** A provider istiod loads but cannot build a sidecar filter from, and why. */
type Compiled = { problem?: string }

/** The builder-time problem becomes a warning now and the provider's `problem` (CUSTOM policies naming it deny). */
function withProblem<T extends ExtensionProvider>(p: T, problem: string | undefined, field: string, r: Reporter): T {
  if (problem === undefined) return p
  r.warn('MD0106', field, `${problem}; istiod accepts this mesh config, but its sidecars treat provider ${JSON.stringify(p.name)} as invalid: every CUSTOM policy naming it denies the requests its rules match`)
  return { ...p, problem }
}

function httpProvider(v: unknown, field: string, r: Reporter): (EnvoyExtAuthzHttpProvider & Compiled) | undefined {
  const o = object(v, field, r)
  if (o === undefined) return undefined
  const f = protoFields(o, field, r, HTTP_FIELDS)
  const before = r.errorCount
  const service = serviceOf(f.service, at(field, 'service'), r)
  const port = portOf(f.port, at(field, 'port'), r)
  const common = commonFields(f, field, r)
  const pathPrefix = str(f.pathPrefix, at(field, 'pathPrefix'), r) ?? ''
  if (pathPrefix !== '') {
    const bad = urlProblem(pathPrefix)
    if (bad !== undefined) r.error('MD0106', at(field, 'pathPrefix'), `invalid pathPrefix ${pathPrefix}: ${bad}`)
    if (!pathPrefix.startsWith('/')) r.error('MD0106', at(field, 'pathPrefix'), `pathPrefix should begin with \`/\` but found ${JSON.stringify(pathPrefix)}`)
  }
  const wildcards: string[] = []
  const names = (key: string) => headerNames(f[key], at(field, key), r, wildcards)
  let include = names('includeRequestHeadersInCheck')
  if (!absent(f.includeHeadersInCheck)) {
    r.warn('MD0105', at(field, 'includeHeadersInCheck'), 'is deprecated: use includeRequestHeadersInCheck (read only when that is empty)')
    const deprecated = names('includeHeadersInCheck')
    if (include.sources.length === 0) include = deprecated
  }
  const additional = strMap(f.includeAdditionalHeadersInCheck, at(field, 'includeAdditionalHeadersInCheck'), r)
  for (const [key, value] of Object.entries(additional)) {
    const kf = at(at(field, 'includeAdditionalHeadersInCheck'), key)
    if (!isHeaderName(key)) r.error('MD0120', kf, 'is not a valid header name (Envoy refuses it)', key)
    else if (value.includes('%')) r.warn('MD0104', kf, 'Envoy expands %COMMAND% operators in this value; meshdojo sends it as written')
  }
  if (!absent(f.includeRequestBodyInCheck)) r.warn('MD0104', at(field, 'includeRequestBodyInCheck'), 'is not simulated: the check request carries no body here (Content-Length: 0)')
  const toUpstream = names('headersToUpstreamOnAllow')
  const onDeny = names('headersToDownstreamOnDeny')
  const onAllow = names('headersToDownstreamOnAllow')
  if (r.errorCount > before || service === undefined || port === undefined || common === undefined) return undefined
  return {
    service, port, pathPrefix, ...common,
    includeRequestHeadersInCheck: include,
    includeAdditionalHeadersInCheck: Object.entries(additional).map(([k, value]) => [k.toLowerCase(), value] as const),
    headersToUpstreamOnAllow: toUpstream,
    headersToDownstreamOnDeny: onDeny,
    headersToDownstreamOnAllow: onAllow,
    ...(wildcards.length === 0 ? {} : { problem: `a single wildcard ("*") is not supported, change it to either prefix or suffix match: ${wildcards.join(', ')}` }),
  }
}

function grpcProvider(v: unknown, field: string, r: Reporter): EnvoyExtAuthzGrpcProvider | undefined {
  const o = object(v, field, r)
  if (o === undefined) return undefined
  const f = protoFields(o, field, r, GRPC_FIELDS)
  const before = r.errorCount
  const service = serviceOf(f.service, at(field, 'service'), r)
  const port = portOf(f.port, at(field, 'port'), r)
  const common = commonFields(f, field, r)
  if (r.errorCount > before || service === undefined || port === undefined || common === undefined) return undefined
  return { service, port, ...common }
}

/** timeout, failOpen, statusOnError, clearRouteCache: the fields both ext_authz providers have. */
function commonFields(f: Obj, field: string, r: Reporter): { timeoutMs: number; failOpen: boolean; statusOnError: number } | undefined {
  const before = r.errorCount
  const timeoutMs = timeoutOf(f.timeout, at(field, 'timeout'), r)
  const failOpen = bool(f.failOpen, at(field, 'failOpen'), r) ?? false
  const statusOnError = statusOf(f.statusOnError, at(field, 'statusOnError'), r)
  bool(f.clearRouteCache, at(field, 'clearRouteCache'), r)
  if (f.clearRouteCache === true) r.warn('MD0121', at(field, 'clearRouteCache'), 'has no effect on a sidecar\'s inbound side, which has a single route')
  if (r.errorCount > before || timeoutMs === undefined || statusOnError === undefined) return undefined
  return { timeoutMs, failOpen, statusOnError }
}

/** `[<Namespace>/]<Hostname>`: an FQDN or IP address, or `namespace/host` (Istio's validateExtensionProviderService). */
function serviceOf(v: unknown, field: string, r: Reporter): string | undefined {
  const service = str(v, field, r) ?? ''
  if (service === '') {
    r.error('MD0108', field, 'service must not be empty')
    return undefined
  }
  const slash = service.indexOf('/')
  if (slash < 0) {
    if (fqdnProblem(service) !== undefined && !isIPAddress(service)) {
      r.error('MD0110', field, `invalid service fmt ${service}: ${service} is not a valid IP`)
      return undefined
    }
    return service
  }
  const ns = service.slice(0, slash)
  const host = service.slice(slash + 1)
  const problems: string[] = []
  if (ns === '' || host === '') problems.push('config namespace and dnsName in host entry cannot be empty')
  const bare = ns.startsWith('~') ? ns.slice(1) : ns
  if (bare !== '' && bare !== '*' && bare !== '.' && !/^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/.test(bare)) problems.push(`invalid namespace value ${JSON.stringify(ns)} in sidecar`)
  if (host !== '' && host !== '*' && !host.includes('.')) problems.push('short names (non FQDN) are not allowed')
  const domain = host === '' ? undefined : wildcardDomainProblem(host)
  if (domain !== undefined) problems.push(domain)
  if (host.includes('*') && host !== '*' && !host.startsWith('*.')) problems.push(`partial wildcard ${JSON.stringify(host)} not allowed`)
  if (problems.length > 0) {
    r.error('MD0110', field, problems.join('; '), service)
    return undefined
  }
  return service
}

/** A uint32 in protobuf JSON: a number or a string of digits; then Istio's ValidatePort. */
function portOf(v: unknown, field: string, r: Reporter): number | undefined {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v
  if (absent(n) || n === 0) {
    r.error('MD0111', field, `port number ${absent(n) ? 0 : n} must be in the range 1..65535`)
    return undefined
  }
  if (typeof n !== 'number' || !Number.isInteger(n)) {
    r.error('MD0111', field, 'must be a port number (an integer, or a string of digits)', v)
    return undefined
  }
  if (n < 1 || n > 65535) {
    r.error('MD0111', field, `port number ${n} must be in the range 1..65535`)
    return undefined
  }
  return n
}

/** A google.protobuf.Duration as istiod's JSON reader takes it: Go duration syntax. Absent: 600 s; 0: none. */
function timeoutOf(v: unknown, field: string, r: Reporter): number | undefined {
  if (absent(v)) return DEFAULT_TIMEOUT_MS
  const parsed = typeof v === 'string' ? parseGoDuration(v) : undefined
  if (parsed === undefined || !parsed.ok) {
    r.error('MD0112', field, 'must be a duration like "10s", "0.5s" or "500ms"', v)
    return undefined
  }
  if (parsed.ns < 0n) {
    r.error('MD0112', field, 'must not be negative (Envoy refuses it)', v)
    return undefined
  }
  return Number(parsed.ns / 1_000_000n)
}

/** A string holding a status code Envoy knows (Istio's validateExtensionProviderEnvoyExtAuthzStatusOnError). */
function statusOf(v: unknown, field: string, r: Reporter): number | undefined {
  if (absent(v) || v === '') return 403
  if (typeof v !== 'string') {
    r.error('MD0102', field, `must be a string like "${String(v)}" (a protobuf string field)`, v)
    return undefined
  }
  if (!/^[+-]?\d+$/.test(v)) {
    r.error('MD0115', field, `invalid statusOnError value ${v}: not a number`)
    return undefined
  }
  const code = Number(v)
  if (!STATUS_CODES.has(code)) {
    r.error('MD0115', field, `unsupported statusOnError value ${v}: must be an HTTP status Envoy knows (200–208, 226, 300–308, 400–431, 500–511)`)
    return undefined
  }
  return code
}

/** Header names: `abc` exact, `abc*` prefix, `*abc` suffix, ignoring case; a lone `*` is collected in `wildcards`. */
function headerNames(v: unknown, field: string, r: Reporter, wildcards: string[]): HeaderNameMatcher {
  const sources = strList(v, field, r)
  sources.forEach((s, i) => {
    if (s === '*') wildcards.push(at(field, i))
  })
  const tests = sources.map((s): ((name: string) => boolean) => {
    const lower = s.toLowerCase()
    if (lower.startsWith('*')) return (name) => name.endsWith(lower.slice(1))
    if (lower.endsWith('*')) return (name) => name.startsWith(lower.slice(0, -1))
    return (name) => name === lower
  })
  return { sources, matches: (name) => tests.some((t) => t(name)) }
}

/** Istio's validateProviderName, which istiod applies when it builds a sidecar's ext_authz filter. */
function nameProblem(name: string): string | undefined {
  if (name.length > 63) return `invalid provider name ${JSON.stringify(name)}: provider name too long (max 63 characters): ${name.length}`
  const bad = [...name].findIndex((c) => !/[a-z0-9-]/.test(c))
  if (bad >= 0) return `invalid provider name ${JSON.stringify(name)}: only lowercase letters, digits, and hyphens allowed (${JSON.stringify(name[bad])} at position ${bad})`
  if (name.startsWith('-') || name.endsWith('-')) return `invalid provider name ${JSON.stringify(name)}: provider name cannot start or end with hyphen`
  return undefined
}

/** What Go's url.Parse refuses in a path: control characters and bad `%` escapes. */
function urlProblem(path: string): string | undefined {
  if ([...path].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) return 'net/url: invalid control character in URL'
  const bad = /%(?![0-9a-fA-F]{2})/.exec(path)
  if (bad) return `invalid URL escape ${JSON.stringify(path.slice(bad.index, bad.index + 3))}`
  return undefined
}

/**
 * The object's fields under their JSON names: snake_case names (`path_prefix`) are read as the camelCase ones, as
 * protobuf JSON allows; a field given both ways is an Error. Unknown fields are ignored by istiod: a warning here
 * (`warnUnknown` false: silently, for providers meshdojo does not simulate).
 */
export function protoFields(o: Obj, field: string, r: Reporter, known: readonly string[], warnUnknown = true): Obj {
  const out: Record<string, unknown> = {}
  const from: Record<string, string> = {}
  for (const [key, value] of Object.entries(o)) {
    const camel = key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())
    const name = known.includes(key) ? key : known.includes(camel) ? camel : undefined
    if (name === undefined) {
      if (!warnUnknown) continue
      const hint = suggest(key, known)
      r.warn('MD0103', at(field, key), `unknown field "${key}"${hint === undefined ? '' : `; did you mean "${hint}"?`} (istiod ignores unknown mesh config fields)`)
      continue
    }
    if (Object.hasOwn(from, name)) {
      r.error('MD0118', at(field, key), `sets ${name} again (already set as ${from[name]})`)
      continue
    }
    from[name] = key
    out[name] = value
  }
  return out
}
