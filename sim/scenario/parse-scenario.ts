/** Schema-valid scenario data → a frozen, typed Scenario, plus the checks the schema cannot express. */
import { basename, extname } from 'node:path'
import { deepFreeze } from '../../mesh/control/freeze.ts'
import type { RatingsVariant } from '../../bookinfo/index.ts'
import { clientWorkload, parseActionBlock, parseTraffic } from './parse-actions.ts'
import { checkHasTraffic, parseCheck } from './parse-checks.ts'
import type { ParseContext } from './parse-context.ts'
import { durationToMs } from './units.ts'
import type { Scenario, Step, TrafficSpec } from './types.ts'

type Raw = Record<string, unknown>

/** Bookinfo's workloads, plus httpbin's with `withHttpbin`: what kill, toxic and endpoint may name. */
export function scenarioWorkloads(withHttpbin: boolean): Set<string> {
  const bookinfo = ['productpage-v1', 'details-v1', 'reviews-v1', 'reviews-v2', 'reviews-v3', 'ratings-v1']
  return new Set([...bookinfo, ...(withHttpbin ? ['httpbin-v1', 'httpbin-v2'] : [])])
}

export function parseScenario(raw: Raw, file: string, ctx: ParseContext): Scenario {
  const expectedName = basename(file, extname(file))
  if (raw.name !== expectedName) ctx.problem(['name'], `expected the file's name "${expectedName}" (scenarios are found by name), got ${JSON.stringify(raw.name)}`)
  const clients = meshedClients(raw)
  const setupRaw = (raw.setup as Raw | undefined) ?? {}
  const applies = setupRaw.apply === undefined ? [] : Array.isArray(setupRaw.apply) ? (setupRaw.apply as string[]) : [setupRaw.apply as string]
  const setup = {
    withHttpbin: setupRaw.withHttpbin === true,
    ratings: (setupRaw.ratings as RatingsVariant | undefined) ?? 'v1',
    readinessDelayMs: setupRaw.readinessDelay === undefined ? 3_000 : durationToMs(setupRaw.readinessDelay as string) ?? 3_000,
    apply: applies.map((text, i) => ctx.config(text, Array.isArray(setupRaw.apply) ? ['setup', 'apply', i] : ['setup', 'apply'])),
  }
  const steps = (raw.steps as Raw[]).map((s, i) => parseStep(s, ['steps', i], ctx, clients))
  return deepFreeze({
    name: raw.name as string,
    title: raw.title as string,
    summary: raw.summary as string,
    order: raw.order as number | undefined,
    seed: raw.seed as number,
    file,
    setup,
    steps,
  })
}

function parseStep(s: Raw, path: (string | number)[], ctx: ParseContext, clients: readonly string[]): Step {
  const trafficRaw = s.traffic === undefined ? [] : Array.isArray(s.traffic) ? (s.traffic as Raw[]) : [s.traffic as Raw]
  const traffic: TrafficSpec[] = trafficRaw.map((t, i) => parseTraffic(t, Array.isArray(s.traffic) ? [...path, 'traffic', i] : [...path, 'traffic'], ctx))
  const expect = ((s.expect as Raw[] | undefined) ?? []).map((c, i) => {
    const check = parseCheck(c, [...path, 'expect', i], ctx, clients)
    checkHasTraffic(check, traffic, [...path, 'expect', i], ctx)
    return check
  })
  return {
    title: s.title as string,
    text: s.text as string,
    actions: parseActionBlock(s.actions, [...path, 'actions'], ctx, clients),
    solve: parseActionBlock(s.solve, [...path, 'solve'], ctx, clients),
    traffic,
    expect,
    hints: (s.hints as string[] | undefined) ?? [],
  }
}

/** Meshed client workloads any traffic in the scenario starts (`fortio-v1` …), so checks may name them. */
function meshedClients(raw: unknown): string[] {
  const found = new Set<string>()
  const walk = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(walk)
    if (!v || typeof v !== 'object') return
    const o = v as Raw
    if (typeof o.url === 'string' && (o.requests !== undefined || o.duration !== undefined)) found.add(clientWorkload(typeof o.client === 'string' ? o.client : 'fortio'))
    Object.values(o).forEach(walk)
  }
  walk(raw)
  return [...found]
}
