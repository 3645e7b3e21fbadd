/** Action blocks (`actions`, `solve`, `setup`-free steps) and traffic → typed actions, in run order. */
import { TOXIC_KINDS } from '../../mesh/toxiproxy/index.ts'
import type { ToxicInput } from '../../mesh/toxiproxy/types.ts'
import { parseCheck, readsResponses } from './parse-checks.ts'
import { ParseContext, type Path } from './parse-context.ts'
import { durationToMs } from './units.ts'
import type { Action, DeleteTarget, TimedAction, ToxicAction, TrafficSpec, User, WaitSpec } from './types.ts'

type Raw = Record<string, unknown>

/** The order the keys of a mapping-form block run in: what you see, then config, then faults, then traffic. */
export const ACTION_ORDER = ['say', 'delete', 'apply', 'toxic', 'restart', 'kill', 'wait', 'traffic'] as const

const DEFAULT_WAIT_TIMEOUT_MS = 10_000

/** A list of one-key actions (in order), or one mapping of actions (in ACTION_ORDER). */
export function parseActionBlock(raw: unknown, path: Path, ctx: ParseContext, clients: readonly string[]): Action[] {
  if (raw === undefined) return []
  if (Array.isArray(raw)) return raw.flatMap((item, i) => parseActions(item as Raw, [...path, i], ctx, clients))
  return parseActions(raw as Raw, path, ctx, clients)
}

function parseActions(raw: Raw, path: Path, ctx: ParseContext, clients: readonly string[]): Action[] {
  const keys = ACTION_ORDER.filter((k) => raw[k] !== undefined)
  return keys.flatMap((key) => parseAction(key, raw[key], [...path, key], ctx, clients))
}

function parseAction(key: (typeof ACTION_ORDER)[number], value: unknown, path: Path, ctx: ParseContext, clients: readonly string[]): Action[] {
  switch (key) {
    case 'say':
      return [{ kind: 'say', text: value as string }]
    case 'apply':
      return listOf<string>(value).map((v, i) => ({ kind: 'apply', config: ctx.config(v, Array.isArray(value) ? [...path, i] : path) }))
    case 'delete':
      return [{ kind: 'delete', targets: listOf<unknown>(value).map((v, i) => deleteTarget(v, Array.isArray(value) ? [...path, i] : path, ctx)) }]
    case 'toxic':
      return listOf<Raw>(value).map((v, i) => ({ kind: 'toxic', toxic: toxicAction(v, Array.isArray(value) ? [...path, i] : path, ctx) }))
    case 'kill':
    case 'restart':
      return listOf<string>(value).map((w, i) => ({ kind: key, workload: ctx.workload(w, Array.isArray(value) ? [...path, i] : path) }))
    case 'wait':
      return [{ kind: 'wait', wait: waitSpec(value, path, ctx, clients) }]
    case 'traffic':
      return [{ kind: 'traffic', traffic: parseTraffic(value as Raw, path, ctx) }]
  }
}

function deleteTarget(v: unknown, path: Path, ctx: ParseContext): DeleteTarget {
  if (typeof v === 'string') return { config: ctx.config(v, path, true) }
  const o = v as { kind: string; name: string }
  return { kind: o.kind, name: o.name }
}

const TOXIC_OPS = ['add', 'update', 'remove', 'enabled', 'reset'] as const

function toxicAction(o: Raw, path: Path, ctx: ParseContext): ToxicAction {
  const ops = TOXIC_OPS.filter((k) => o[k] !== undefined)
  if (ops.length !== 1) {
    ctx.problem(path, `expected exactly one of ${TOXIC_OPS.join(', ')}; got ${ops.length === 0 ? 'none' : ops.join(', ')}`)
    return { op: 'reset' }
  }
  const op = ops[0]!
  if (op === 'reset') {
    if (o.proxy !== undefined) ctx.problem(path, 'reset applies to every proxy: drop proxy', 'proxy')
    return { op: 'reset' }
  }
  if (typeof o.proxy !== 'string') {
    ctx.problem(path, 'is required (the link in front of a workload, e.g. "ratings-v1")', 'proxy')
    return { op: 'reset' }
  }
  const proxy = ctx.workload(o.proxy, [...path, 'proxy'])
  switch (op) {
    case 'add': {
      const add = o.add as ToxicInput
      const kind = TOXIC_KINDS.get(add.type)
      const known = kind?.attributes.map((a) => a.name) ?? []
      for (const name of Object.keys(add.attributes ?? {})) {
        if (!known.includes(name)) ctx.problem([...path, 'add', 'attributes'], `unknown attribute for a ${add.type} toxic; expected ${known.join(', ') || 'none'}`, name)
      }
      return { op, proxy, toxic: Object.freeze({ ...add, attributes: Object.freeze({ ...(add.attributes ?? {}) }) }) }
    }
    case 'update': {
      const { name, ...update } = o.update as { name: string; attributes?: Record<string, number>; toxicity?: number }
      return { op, proxy, name, update }
    }
    case 'remove':
      return { op, proxy, name: o.remove as string }
    case 'enabled':
      return { op: 'enable', proxy, enabled: o.enabled as boolean }
  }
}

function waitSpec(v: unknown, path: Path, ctx: ParseContext, clients: readonly string[]): WaitSpec {
  if (typeof v === 'string') return { ms: durationToMs(v) ?? 0 }
  const o = v as Raw
  const until = parseCheck(o.until as Raw, [...path, 'until'], ctx, clients)
  if (readsResponses(until)) ctx.problem([...path, 'until'], 'expected a check on telemetry, metrics or endpoints (metric, flags, endpoint, or latency/successRate with from/to): a wait sends no traffic of its own')
  return { until, timeoutMs: o.timeout === undefined ? DEFAULT_WAIT_TIMEOUT_MS : durationToMs(o.timeout as string) ?? DEFAULT_WAIT_TIMEOUT_MS }
}

/** Meshed client workloads a traffic spec starts: `fortio` → `fortio-v1`. */
export const clientWorkload = (client: string) => `${client}-v1`

export function parseTraffic(o: Raw, path: Path, ctx: ParseContext): TrafficSpec {
  if (o.requests === undefined && o.duration === undefined) ctx.problem(path, 'expected requests (a count) or duration (e.g. "5s"), or both')
  if (o.path !== undefined && o.url !== undefined) ctx.problem(path, 'expected path (through the ingress) or url (from a meshed client), not both')
  if (o.url === undefined && o.client !== undefined) ctx.problem(path, 'client sends url traffic from a meshed client: add url (e.g. http://httpbin:8000/get)', 'client')
  if (o.url !== undefined && o.user !== undefined) ctx.problem(path, 'user logs in through the ingress and applies to path traffic, not to url', 'user')
  if (typeof o.url === 'string') {
    const host = safeHost(o.url)
    const services = new Set([...ctx.workloads].map((w) => w.replace(/-v\d+$/, '')))
    if (!host || !services.has(host)) {
      ctx.problem([...path, 'url'], `expected a URL to a service of this mesh (${[...services].join(', ')}${host === 'httpbin' ? '; httpbin runs only with setup.withHttpbin: true' : ''}), got ${JSON.stringify(o.url)}`)
    }
  }
  const events: TimedAction[] = ((o.events as Raw[] | undefined) ?? []).flatMap((e, i) => {
    const { at, ...rest } = e
    const key = Object.keys(rest)[0]!
    if (key === 'traffic' || key === 'wait') {
      ctx.problem([...path, 'events', i], `expected an action that happens at a moment (apply, delete, toxic, kill, restart, say), got ${key}`, key)
      return []
    }
    const atMs = durationToMs(at as string) ?? 0
    return parseActions(rest, [...path, 'events', i], ctx, []).map((action) => ({ atMs, action }))
  })
  const url = o.url as string | undefined
  return Object.freeze({
    requests: o.requests as number | undefined,
    durationMs: o.duration === undefined ? undefined : durationToMs(o.duration as string),
    rps: (o.rps as number | undefined) ?? 0,
    concurrency: (o.concurrency as number | undefined) ?? 1,
    user: (o.user as User | undefined) ?? 'anonymous',
    path: url ? undefined : ((o.path as string | undefined) ?? '/productpage'),
    url,
    client: url ? ((o.client as string | undefined) ?? 'fortio') : undefined,
    events: Object.freeze(events),
  })
}

function safeHost(url: string): string | undefined {
  try {
    return new URL(url).hostname
  } catch {
    return undefined
  }
}

function listOf<T>(v: unknown): T[] {
  return Array.isArray(v) ? (v as T[]) : [v as T]
}
