/**
 * Istio's AuthorizationPolicy on the inbound side (Envoy's RBAC filters): DENY policies first, then
 * ALLOW; AUDIT never changes the decision. No ALLOW policy → allow; ALLOW policies and none matches
 * → deny. A denial is a local reply, 403 `RBAC: access denied`, with the matched policy in
 * %RESPONSE_CODE_DETAILS% (`rbac_access_denied_matched_policy[ns[default]-policy[deny-all]-rule[0]]`,
 * `[none]` when no ALLOW policy matched). CUSTOM policies run before these, in ext-authz.ts; this file only
 * compiles their rules (`compileCustomRules`), which say which requests are checked. Policies with
 * targetRef(s) attach to Gateway API gateways and waypoints, never to a sidecar. Peer identities come only
 * from the verified client certificate (`info.peerPrincipal`), never from a header. Every value arrives
 * compiled (parse/authz-values.ts: string matches, CIDR blocks, and the globs Istio turns into regexes, on
 * RE2, linear in the input); this file only decides which request attribute each list is matched against,
 * and combines the results.
 */
import { localReply, type Filter, type MeshRequest } from '../filter.ts'
import type { AuthorizationCondition, AuthorizationOperation, AuthorizationPolicy, AuthorizationSource, AuthzMatcher } from '../control/types.ts'
import { selects } from '../control/parse/workload-selector.ts'

/** The workload a sidecar protects: what selectors and `destination.*` attributes are checked against. */
export interface AuthzTarget {
  readonly namespace: string
  readonly labels: Readonly<Record<string, string>>
  /** The workload port requests arrive on (`ports`, `destination.port`): 9080 for Bookinfo. */
  readonly port: number
}

type Predicate = (req: MeshRequest) => boolean

export interface CompiledRule {
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
 * requests pay nothing). Policies annotated `istio.io/dry-run: "true"` (`spec.dryRun`) are never enforced.
 */
export function compileAuthorization(policies: readonly AuthorizationPolicy[], target: AuthzTarget, root = ROOT_NAMESPACE): AuthzEngine | undefined {
  const deny: CompiledRule[] = []
  const allow: CompiledRule[] = []
  const audit: CompiledRule[] = []
  let hasAllow = false
  for (const p of policies) {
    if (p.spec.action === 'CUSTOM' || !appliesTo(p, target, root) || p.spec.dryRun) continue
    const into = p.spec.action === 'DENY' ? deny : p.spec.action === 'AUDIT' ? audit : allow
    if (p.spec.action === 'ALLOW') hasAllow = true
    for (const rule of compileRules(p, target)) into.push(rule)
  }
  if (deny.length === 0 && allow.length === 0 && audit.length === 0 && !hasAllow) return undefined
  return { deny, allow, audit, hasAllow }
}

/**
 * Whether a sidecar applies the policy: in its namespace or the root one, selecting its labels, and without
 * targetRef(s), which Istio's sidecars ignore (the policy is for Gateway API gateways and waypoints).
 */
export function appliesTo(p: AuthorizationPolicy, target: AuthzTarget, root = ROOT_NAMESPACE): boolean {
  if (p.meta.namespace !== target.namespace && p.meta.namespace !== root) return false
  return p.spec.targetRefs.length === 0 && selects(p.spec.selector, target.labels)
}

/**
 * The CUSTOM policies of `target`, per provider name, as the rules that trigger a check. Their names are Istio's,
 * `istio-ext-authz-<provider>-ns[default]-policy[ext-authz]-rule[0]`: a denial for a bad provider names them.
 */
export function compileCustomRules(policies: readonly AuthorizationPolicy[], target: AuthzTarget, root = ROOT_NAMESPACE): Map<string, CompiledRule[]> {
  const byProvider = new Map<string, CompiledRule[]>()
  for (const p of policies) {
    if (p.spec.action !== 'CUSTOM' || p.spec.provider === undefined || !appliesTo(p, target, root)) continue
    const rules = byProvider.get(p.spec.provider) ?? []
    for (const rule of compileRules(p, target, `istio-ext-authz-${p.spec.provider}-`)) rules.push(rule)
    byProvider.set(p.spec.provider, rules)
  }
  return byProvider
}

/** The providers named by the CUSTOM policies that apply to `target` (no matchers compiled). */
export function customProviders(policies: readonly AuthorizationPolicy[], target: AuthzTarget, root = ROOT_NAMESPACE): Set<string> {
  const out = new Set<string>()
  for (const p of policies) if (p.spec.action === 'CUSTOM' && p.spec.provider !== undefined && appliesTo(p, target, root)) out.add(p.spec.provider)
  return out
}

function compileRules(p: AuthorizationPolicy, target: AuthzTarget, prefix = ''): CompiledRule[] {
  return p.spec.rules.map((rule, i) => {
    const parts: Predicate[] = []
    if (rule.from) parts.push(any(rule.from.map(sourceMatcher)))
    if (rule.to) parts.push(any(rule.to.map((o) => operationMatcher(o, target))))
    for (const c of rule.when) parts.push(conditionMatcher(c, target))
    return { name: `${prefix}ns[${p.meta.namespace}]-policy[${p.meta.name}]-rule[${i}]`, matches: all(parts) }
  })
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

/** Envoy RBAC's denial: 403 `RBAC: access denied`, the matched policy in the response code details. */
export function deny(req: MeshRequest, policy: string) {
  req.info.details = `rbac_access_denied_matched_policy[${policy}]`
  return localReply(403, 'RBAC: access denied')
}

// === combining matchers ===

const any = (ps: readonly Predicate[]): Predicate => (ps.length === 1 ? ps[0]! : (req) => ps.some((p) => p(req)))
const all = (ps: readonly Predicate[]): Predicate => (ps.length === 0 ? () => true : ps.length === 1 ? ps[0]! : (req) => ps.every((p) => p(req)))
const NEVER: Predicate = () => false

/** The request attribute a list of values is matched against; '' when the request has none. */
type Attribute = (req: MeshRequest) => string

/**
 * `values` ORed, `notValues` negated, both over `attribute`: Istio's shape for every attribute. Absent lists don't
 * constrain (undefined).
 */
function field(values: readonly AuthzMatcher[], notValues: readonly AuthzMatcher[], attribute: Attribute): Predicate | undefined {
  const parts: Predicate[] = []
  const anyOf = (ms: readonly AuthzMatcher[]): Predicate => (req) => {
    const value = attribute(req)
    return ms.some((m) => m.matches(value))
  }
  if (values.length > 0) parts.push(anyOf(values))
  if (notValues.length > 0) {
    const not = anyOf(notValues)
    parts.push((req) => !not(req))
  }
  return parts.length === 0 ? undefined : all(parts)
}

const peer: Attribute = (req) => req.info.peerPrincipal
/** No RequestAuthentication exists: a request never has a request principal. */
const noRequestPrincipal: Attribute = () => ''
const downstream: Attribute = (req) => req.info.downstreamRemoteAddress
/** Sidecars trust no X-Forwarded-For hops (Istio's default), so the remote address is the peer's. */
const remote = downstream

function sourceMatcher(s: AuthorizationSource): Predicate {
  const parts = [
    field(s.principals, s.notPrincipals, peer),
    field(s.requestPrincipals, s.notRequestPrincipals, noRequestPrincipal),
    field(s.namespaces, s.notNamespaces, peer),
    field(s.serviceAccounts, s.notServiceAccounts, peer),
    field(s.trustDomains, s.notTrustDomains, peer),
    field(s.ipBlocks, s.notIpBlocks, downstream),
    field(s.remoteIpBlocks, s.notRemoteIpBlocks, remote),
  ].filter((p): p is Predicate => p !== undefined)
  return all(parts)
}

const pathOnly: Attribute = (req) => {
  const q = req.path.indexOf('?')
  return q < 0 ? req.path : req.path.slice(0, q)
}

function operationMatcher(o: AuthorizationOperation, target: AuthzTarget): Predicate {
  const port = String(target.port)
  const parts = [
    field(o.hosts, o.notHosts, (req) => req.authority ?? ''),
    field(o.ports, o.notPorts, () => port),
    field(o.methods, o.notMethods, (req) => req.method),
    field(o.paths, o.notPaths, pathOnly),
  ].filter((p): p is Predicate => p !== undefined)
  return all(parts)
}

/** Envoy joins a repeated header's values with `,` before matching. */
function headerText(req: MeshRequest, name: string): string {
  const v = req.headers[name]
  return (Array.isArray(v) ? v.join(',') : v) ?? ''
}

function conditionMatcher(c: AuthorizationCondition, target: AuthzTarget): Predicate {
  const a = c.attribute
  const on = (attribute: Attribute) => field(c.values, c.notValues, attribute) ?? NEVER
  switch (a.kind) {
    case 'header':
      return on((req) => headerText(req, a.name))
    case 'peerIdentity':
      return on(peer)
    case 'sourceIp':
      return on(downstream)
    case 'remoteIp':
      return on(remote)
    case 'destinationIp':
      return on((req) => req.info.downstreamLocalAddress)
    case 'destinationPort':
      return on(() => String(target.port))
    case 'sni':
      return on((req) => req.info.requestedServerName)
    case 'none':
      // request.auth.* (no JWT here) and experimental.* metadata: never present.
      return on(() => '')
  }
}
