/** `expect` entries (and `wait.until`) → typed checks: units converted, bounds checked, filters resolved. */
import type { ParseContext, Path } from './parse-context.ts'
import { durationToMs, shareValue } from './units.ts'
import type { Bound, Check, Percentile, RecordFilter, ResponseFilter, ResponseProperty, TrafficSpec, User } from './types.ts'

type Raw = Record<string, unknown>

const BOUND_KEYS = ['between', 'above', 'below', 'atLeast', 'atMost', 'equals'] as const
const PERCENTILES: readonly Percentile[] = ['p50', 'p75', 'p90', 'p95', 'p99', 'max']

/** One `{kind: body}` check. `clients`: meshed client workloads the scenario's traffic starts. */
export function parseCheck(raw: Raw, path: Path, ctx: ParseContext, clients: readonly string[]): Check {
  const [kind, value] = Object.entries(raw)[0]!
  const body = value as Raw
  const at: Path = [...path, kind]
  const hint = typeof body.hint === 'string' ? { hint: body.hint } : {}
  switch (kind) {
    case 'page': {
      const contains = list(body.contains)
      const notContains = list(body.notContains)
      if (contains.length === 0 && notContains.length === 0) ctx.problem(at, 'expected contains or notContains (or both)')
      return { kind, select: responseFilter(body), contains, notContains, ...hint }
    }
    case 'status': {
      if ((body.code === undefined) === (body.seen === undefined)) ctx.problem(at, 'expected exactly one of code (every response has it) or seen (each code appears)')
      return { kind, select: responseFilter(body), ...(body.code === undefined ? {} : { code: body.code as number }), ...(body.seen === undefined ? {} : { seen: body.seen as number[] }), ...hint }
    }
    case 'share': {
      const [prop, v] = Object.entries(body.where as Raw)[0]!
      return { kind, select: responseFilter(body), where: { [prop]: v } as ResponseProperty, bound: bound(body, at, ctx, 'share'), ...hint }
    }
    case 'latency': {
      const percentiles = PERCENTILES.filter((p) => body[p] !== undefined).map((p) => ({ percentile: p, bound: bound(body[p] as Raw, [...at, p], ctx, 'duration') }))
      if (percentiles.length === 0) ctx.problem(at, `expected at least one percentile: ${PERCENTILES.join(', ')}`)
      return { kind, select: responseFilter(body), ...recordsOf(body, at, ctx, clients), percentiles, ...hint }
    }
    case 'successRate':
      return { kind, select: responseFilter(body), ...recordsOf(body, at, ctx, clients), bound: bound(body, at, ctx, 'share'), ...hint }
    case 'metric':
      return {
        kind,
        name: body.name as string,
        labels: Object.freeze({ ...((body.labels as Record<string, string>) ?? {}) }),
        measure: (body.measure as 'increase' | 'value') ?? 'increase',
        bound: bound(body, at, ctx, 'count'),
        ...hint,
      }
    case 'flags': {
      const quantifiers = (['some', 'all', 'none'] as const).filter((q) => body[q] !== undefined)
      if (quantifiers.length !== 1) ctx.problem(at, 'expected exactly one of some, all or none (the flag, e.g. some: UO)')
      const quantifier = quantifiers[0] ?? 'some'
      const records = recordFilter(body, at, ctx, clients)
      return { kind, records: body.status === undefined ? records : { ...records, status: body.status as number }, flag: String(body[quantifier] ?? ''), quantifier, ...hint }
    }
    case 'endpoint': {
      const workload = ctx.workload(body.workload as string, [...at, 'workload'])
      if (body.ready === undefined && body.ejected === undefined) ctx.problem(at, 'expected ready or ejected (or both)')
      if (body.ejected !== undefined && body.by === undefined) ctx.problem(at, 'expected by: the caller whose sidecar ejects it (e.g. productpage-v1)', 'by')
      const by = body.by === undefined ? {} : { by: ctx.workload(body.by as string, [...at, 'by'], ['istio-ingressgateway', ...clients]) }
      return { kind, workload, ...(body.ready === undefined ? {} : { ready: body.ready as boolean }), ...(body.ejected === undefined ? {} : { ejected: body.ejected as boolean }), ...by, ...hint }
    }
    default:
      throw new Error(`unreachable: check kind ${kind} passed the schema`)
  }
}

/** Checks that read the step's responses; the others read telemetry, metrics or the registry. */
export function readsResponses(check: Check): check is Extract<Check, { select: ResponseFilter }> {
  if (check.kind === 'latency' || check.kind === 'successRate') return check.records === undefined
  return check.kind === 'page' || check.kind === 'status' || check.kind === 'share'
}

/** A response check must have some of the step's traffic to look at. */
export function checkHasTraffic(check: Check, traffic: readonly TrafficSpec[], path: Path, ctx: ParseContext): void {
  if (!readsResponses(check)) return
  const { user, path: p, url } = check.select
  const matches = traffic.some((t) => (user === undefined || t.user === user) && (p === undefined || t.path === p) && (url === undefined || t.url === url))
  if (matches) return
  const wanted = [user && `as ${user}`, p && `to ${p}`, url && `to ${url}`].filter(Boolean).join(' ')
  ctx.problem(path, traffic.length === 0
    ? 'expected the step to have traffic: this check reads the responses of the step\'s traffic, and it has none'
    : `expected the step's traffic to include requests ${wanted}; it sends ${traffic.map(describeTrafficTarget).join(', ')}`)
}

const describeTrafficTarget = (t: TrafficSpec) => (t.url ? `to ${t.url}` : `to ${t.path} as ${t.user}`)

function responseFilter(body: Raw): ResponseFilter {
  return Object.freeze({
    ...(body.user === undefined ? {} : { user: body.user as User }),
    ...(body.path === undefined ? {} : { path: body.path as string }),
    ...(body.url === undefined ? {} : { url: body.url as string }),
  })
}

/** `from`/`to`/`reporter` switch latency and successRate from responses to telemetry records. */
function recordsOf(body: Raw, at: Path, ctx: ParseContext, clients: readonly string[]): { records?: RecordFilter } {
  const usesRecords = body.from !== undefined || body.to !== undefined || body.reporter !== undefined
  if (!usesRecords) return {}
  if (body.user !== undefined || body.path !== undefined || body.url !== undefined) {
    ctx.problem(at, 'expected either user/path/url (the step\'s responses) or from/to/reporter (telemetry records), not both')
  }
  return { records: recordFilter(body, at, ctx, clients) }
}

function recordFilter(body: Raw, at: Path, ctx: ParseContext, clients: readonly string[]): RecordFilter {
  const known = new Set([...ctx.workloads, ...clients, 'istio-ingressgateway'])
  const apps = new Set([...known].map((w) => w.replace(/-v\d+$/, '')))
  for (const key of ['from', 'to'] as const) {
    const v = body[key]
    if (typeof v === 'string' && !known.has(v) && !apps.has(v)) {
      ctx.problem([...at, key], `expected a workload or app of this mesh: ${[...known].join(', ')}; got "${v}"`)
    }
  }
  return Object.freeze({
    ...(body.from === undefined ? {} : { from: body.from as string }),
    ...(body.to === undefined ? {} : { to: body.to as string }),
    reporter: (body.reporter as 'source' | 'destination') ?? 'source',
  })
}

type BoundUnit = 'duration' | 'share' | 'count'

function bound(body: Raw, at: Path, ctx: ParseContext, unit: BoundUnit): Bound {
  const value = (v: unknown, path: Path): number => {
    const n = unit === 'duration' ? durationToMs(String(v)) : unit === 'share' ? shareValue(v) : typeof v === 'number' ? v : undefined
    if (n === undefined) ctx.problem(path, `expected ${unit === 'duration' ? 'a duration like "6s"' : unit === 'share' ? 'a share from 0 to 1 or 0% to 100%' : 'a number'}, got ${JSON.stringify(v)}`)
    return n ?? 0
  }
  const b: { -readonly [K in keyof Bound]: number } = {}
  for (const key of BOUND_KEYS) {
    const v = body[key]
    if (v === undefined) continue
    if (key === 'between') {
      const [lo, hi] = v as unknown[]
      b.atLeast = value(lo, [...at, key, 0])
      b.atMost = value(hi, [...at, key, 1])
      if (b.atLeast > b.atMost) ctx.problem([...at, key], `expected [low, high] with low ≤ high, got ${JSON.stringify(v)}`)
    } else {
      b[key] = value(v, [...at, key])
    }
  }
  if (Object.keys(b).length === 0) ctx.problem(at, `expected a bound: ${BOUND_KEYS.join(', ')}`)
  return Object.freeze(b)
}

const list = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? (v as string[]) : [v as string])

