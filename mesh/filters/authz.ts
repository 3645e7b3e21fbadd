/**
 * Istio's AuthorizationPolicy on the inbound side (Envoy's RBAC filters): DENY policies first, then
 * ALLOW; AUDIT never changes the decision. No ALLOW policy → allow; ALLOW policies and none matches
 * → deny. A denial is a local reply, 403 `RBAC: access denied`, with the matched policy in
 * %RESPONSE_CODE_DETAILS% (`rbac_access_denied_matched_policy[ns[default]-policy[deny-all]-rule[0]]`,
 * `[none]` when no ALLOW policy matched). Peer identities come only from the verified client
 * certificate (`info.peerPrincipal`), never from a header. The globs Istio turns into regexes (namespaces,
 * service accounts, trust domains, path templates) run on RE2, compiled once per config push with the rest
 * of the engine: linear in the principal's or path's length, so a long crafted value cannot stall the sidecar.
 */
import { BlockList, isIP } from 'node:net'
import { localReply, type Filter, type MeshRequest } from '../filter.ts'
import type { AuthorizationCondition, AuthorizationOperation, AuthorizationPolicy, AuthorizationSource } from '../control/types.ts'
import { quoteRe2, Re2 } from '../control/parse/regex.ts'
import { selects } from '../control/parse/workload-selector.ts'

/** The workload a sidecar protects: what selectors and `destination.*` attributes are checked against. */
export interface AuthzTarget {
  readonly namespace: string
  readonly labels: Readonly<Record<string, string>>
  /** The workload port requests arrive on (`ports`, `destination.port`): 9080 for Bookinfo. */
  readonly port: number
}

type Predicate = (req: MeshRequest) => boolean

interface CompiledRule {
  /** `ns[default]-policy[name]-rule[0]`, as Istio names Envoy RBAC policies. */
  readonly name: string
  readonly matches: Predicate
}

/** The policies of one workload, compiled once per config push. */
export interface AuthzEngine {
  readonly deny: readonly CompiledRule[]
  readonly allow: readonly CompiledRule[]
  readonly audit: readonly CompiledRule[]
  /** True when any ALLOW policy selects the workload, even one without rules (which allows nothing). */
  readonly hasAllow: boolean
}

/** Istio's default root namespace: its policies apply to every namespace. */
const ROOT_NAMESPACE = 'istio-system'

/**
 * The engine for `target`, or undefined when no policy selects it (then no filter is installed and
 * requests pay nothing). Policies annotated `istio.io/dry-run: "true"` are never enforced.
 */
export function compileAuthorization(policies: readonly AuthorizationPolicy[], target: AuthzTarget, root = ROOT_NAMESPACE): AuthzEngine | undefined {
  const deny: CompiledRule[] = []
  const allow: CompiledRule[] = []
  const audit: CompiledRule[] = []
  let hasAllow = false
  for (const p of policies) {
    if (p.meta.namespace !== target.namespace && p.meta.namespace !== root) continue
    if (!selects(p.spec.selector, target.labels) || isDryRun(p)) continue
    const into = p.spec.action === 'DENY' ? deny : p.spec.action === 'AUDIT' ? audit : allow
    if (p.spec.action === 'ALLOW') hasAllow = true
    p.spec.rules.forEach((rule, i) => {
      const parts: Predicate[] = []
      if (rule.from) parts.push(any(rule.from.map((s) => sourceMatcher(s, p.meta.namespace))))
      if (rule.to) parts.push(any(rule.to.map((o) => operationMatcher(o, target))))
      for (const c of rule.when) parts.push(conditionMatcher(c, target, p.meta.namespace))
      into.push({ name: `ns[${p.meta.namespace}]-policy[${p.meta.name}]-rule[${i}]`, matches: all(parts) })
    })
  }
  if (deny.length === 0 && allow.length === 0 && audit.length === 0 && !hasAllow) return undefined
  return { deny, allow, audit, hasAllow }
}

/** The filter: answers 403 itself when denied, else passes the request on untouched. */
export function authorization(engine: AuthzEngine): Filter {
  return (next) =>
    function authorizationFilter(req) {
      for (const rule of engine.audit) {
        if (rule.matches(req)) {
          req.info.authzAudit = rule.name
          break
        }
      }
      const denied = engine.deny.find((rule) => rule.matches(req))
      if (denied) return Promise.resolve(deny(req, denied.name))
      if (engine.hasAllow && !engine.allow.some((rule) => rule.matches(req))) return Promise.resolve(deny(req, 'none'))
      return next(req)
    }
}

function deny(req: MeshRequest, policy: string) {
  req.info.details = `rbac_access_denied_matched_policy[${policy}]`
  return localReply(403, 'RBAC: access denied')
}

const isDryRun = (p: AuthorizationPolicy): boolean => {
  const annotations = (p.raw as { metadata?: { annotations?: Record<string, unknown> } } | undefined)?.metadata?.annotations
  return String(annotations?.['istio.io/dry-run'] ?? '').toLowerCase() === 'true'
}

// === matchers ===

const any = (ps: readonly Predicate[]): Predicate => (ps.length === 1 ? ps[0]! : (req) => ps.some((p) => p(req)))
const all = (ps: readonly Predicate[]): Predicate => (ps.length === 0 ? () => true : ps.length === 1 ? ps[0]! : (req) => ps.every((p) => p(req)))
const NEVER: Predicate = () => false

/** `values` ORed, `notValues` negated: Istio's shape for every attribute. Absent lists don't constrain. */
function field(values: readonly string[], notValues: readonly string[], one: (v: string) => Predicate): Predicate | undefined {
  const parts: Predicate[] = []
  if (values.length > 0) parts.push(any(values.map(one)))
  if (notValues.length > 0) {
    const not = any(notValues.map(one))
    parts.push((req) => !not(req))
  }
  return parts.length === 0 ? undefined : all(parts)
}

/** Istio's string match: exact, `prefix*`, `*suffix`, or `*` (any non-empty value). */
function stringMatcher(pattern: string, ignoreCase = false): (value: string | undefined) => boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern
  const norm = (v: string) => (ignoreCase ? v.toLowerCase() : v)
  if (p === '*') return (v) => v !== undefined && v !== ''
  if (p.startsWith('*')) {
    const suffix = p.slice(1)
    return (v) => v !== undefined && norm(v).endsWith(suffix)
  }
  if (p.endsWith('*')) {
    const prefix = p.slice(0, -1)
    return (v) => v !== undefined && norm(v).startsWith(prefix)
  }
  return (v) => v !== undefined && norm(v) === p
}

const peer = (req: MeshRequest): string => req.info.peerPrincipal

/** `principals` and `source.principal`: the value without `spiffe://`, matched against the peer certificate's SAN. */
function principalMatcher(value: string): Predicate {
  if (value === '*') return (req) => peer(req) !== ''
  const m = value.startsWith('*') ? stringMatcher(value) : stringMatcher(`spiffe://${value}`)
  if (value.startsWith('*')) return (req) => peer(req).startsWith('spiffe://') && m(peer(req))
  return (req) => m(peer(req))
}

/** An RE2 full match of `pattern`, which is built here from quoted config values and so always compiles. */
const fullMatch = (pattern: string) => Re2.compile(pattern)

/** `namespaces`: Istio matches the regex `.*\/ns/<namespace>/.*` on the peer principal; `*` inside is a wildcard. */
function namespaceMatcher(value: string): Predicate {
  const re = fullMatch(`.*/ns/${value.split('*').map(quoteRe2).join('.*')}/.*`)
  return (req) => peer(req) !== '' && re.matches(peer(req))
}

/** `serviceAccounts`: `name` (in the policy's namespace) or `namespace/name`. */
function serviceAccountMatcher(value: string, policyNamespace: string): Predicate {
  const [ns, sa] = value.includes('/') ? (value.split('/') as [string, string]) : [policyNamespace, value]
  const re = fullMatch(`spiffe://.+/ns/${quoteRe2(ns)}/(?:.+/|)sa/${quoteRe2(sa)}(?:/.+)?`)
  return (req) => re.matches(peer(req))
}

function trustDomainMatcher(value: string): Predicate {
  if (value === '*') return (req) => peer(req).startsWith('spiffe://')
  if (!value.includes('*')) return (req) => peer(req).startsWith(`spiffe://${value}/`)
  const [a, b] = value.split('*') as [string, string]
  const re = fullMatch(`spiffe://${quoteRe2(a)}[^/]*${quoteRe2(b)}/.*`)
  return (req) => re.matches(peer(req))
}

function ipMatcher(value: string, address: (req: MeshRequest) => string): Predicate {
  const blocks = new BlockList()
  const [ip, bits] = value.split('/') as [string, string | undefined]
  const type = isIP(ip) === 6 ? 'ipv6' : 'ipv4'
  if (bits === undefined) blocks.addAddress(ip, type)
  else blocks.addSubnet(ip, Number(bits), type)
  return (req) => {
    const a = address(req).replace(/^::ffff:/, '')
    return a !== '' && blocks.check(a, isIP(a) === 6 ? 'ipv6' : 'ipv4')
  }
}

const downstream = (req: MeshRequest) => req.info.downstreamRemoteAddress
/** Sidecars trust no X-Forwarded-For hops (Istio's default), so the remote address is the peer's. */
const remote = downstream

function sourceMatcher(s: AuthorizationSource, policyNamespace: string): Predicate {
  const parts = [
    field(s.principals, s.notPrincipals, principalMatcher),
    // No RequestAuthentication exists: a request never has a request principal.
    field(s.requestPrincipals, s.notRequestPrincipals, () => NEVER),
    field(s.namespaces, s.notNamespaces, namespaceMatcher),
    field(s.serviceAccounts, s.notServiceAccounts, (v) => serviceAccountMatcher(v, policyNamespace)),
    field(s.trustDomains, s.notTrustDomains, trustDomainMatcher),
    field(s.ipBlocks, s.notIpBlocks, (v) => ipMatcher(v, downstream)),
    field(s.remoteIpBlocks, s.notRemoteIpBlocks, (v) => ipMatcher(v, remote)),
  ].filter((p): p is Predicate => p !== undefined)
  return all(parts)
}

const pathOnly = (path: string) => {
  const q = path.indexOf('?')
  return q < 0 ? path : path.slice(0, q)
}

/** Paths: Istio's string match, or Envoy's URI template (`{*}` one segment, `{**}` the rest). */
function pathMatcher(value: string): Predicate {
  if (value.includes('{*}') || value.includes('{**}')) {
    const re = fullMatch(
      value
        .split('/')
        .map((seg) => (seg === '{*}' ? '[^/]+' : seg === '{**}' ? '.*' : quoteRe2(seg)))
        .join('/'),
    )
    return (req) => re.matches(pathOnly(req.path))
  }
  const m = stringMatcher(value)
  return (req) => m(pathOnly(req.path))
}

function operationMatcher(o: AuthorizationOperation, target: AuthzTarget): Predicate {
  const port = String(target.port)
  const parts = [
    field(o.hosts, o.notHosts, (v) => {
      const m = stringMatcher(v, true)
      return (req) => m(req.authority)
    }),
    field(o.ports, o.notPorts, (v) => () => String(Number(v)) === port),
    field(o.methods, o.notMethods, (v) => {
      const m = stringMatcher(v)
      return (req) => m(req.method)
    }),
    field(o.paths, o.notPaths, pathMatcher),
  ].filter((p): p is Predicate => p !== undefined)
  return all(parts)
}

/** Envoy joins a repeated header's values with `,` before matching. */
function headerText(req: MeshRequest, name: string): string | undefined {
  const v = req.headers[name]
  return Array.isArray(v) ? v.join(',') : v
}

function conditionMatcher(c: AuthorizationCondition, target: AuthzTarget, policyNamespace: string): Predicate {
  const key = c.key
  const one = (build: (v: string) => Predicate) => field(c.values, c.notValues, build) ?? NEVER
  const header = /^request\.headers\[(.+)\]$/.exec(key)
  if (header) {
    const name = header[1]!.toLowerCase()
    return one((v) => {
      const m = stringMatcher(v)
      return (req) => m(headerText(req, name))
    })
  }
  switch (key) {
    case 'source.principal':
      return one(principalMatcher)
    case 'source.namespace':
      return one(namespaceMatcher)
    case 'source.serviceAccount':
      return one((v) => serviceAccountMatcher(v, policyNamespace))
    case 'source.trustDomain':
      return one(trustDomainMatcher)
    case 'source.ip':
      return one((v) => ipMatcher(v, downstream))
    case 'remote.ip':
      return one((v) => ipMatcher(v, remote))
    case 'destination.ip':
      return one((v) => ipMatcher(v, (req) => req.info.downstreamLocalAddress))
    case 'destination.port':
      return one((v) => () => Number(v) === target.port)
    case 'connection.sni':
      return one((v) => {
        const m = stringMatcher(v)
        return (req) => m(req.info.requestedServerName || undefined)
      })
    default:
      // request.auth.* (no JWT here) and experimental.* metadata: never present.
      return one(() => NEVER)
  }
}
