/**
 * One measurement: load from the driver while the server processes' CPU is read from /proc before
 * and after, and the event-loop delay histogram in the system under test is reset and read back.
 */
import type { Phase } from './options.ts'
import { totalCpuMicros } from './proc/proc-stat.ts'
import type { Sut } from './proc/sut.ts'
import type { Driver, LoadResult, LoadSpec } from './load/types.ts'
import { median } from './stats.ts'

export interface Measured extends LoadResult {
  /** CPU of every server-side process (proxies and app) per request, µs. */
  readonly cpuUsPerReq: number
  /** Server-side CPU over the run, % of one core. */
  readonly serverCpuPct: number
  /** Event-loop delay p99 inside the system under test during the run, ms (Node servers only). */
  readonly eventLoopP99Ms?: number
}

/** Where the load goes and whose CPU counts. */
export interface LoadTarget {
  readonly url: string
  readonly host?: string
  /** Every process whose CPU is part of the cost (e.g. nginx master + worker + the app). */
  pids(): number[]
  /** The Node process to ask for event-loop delay, if any. */
  readonly loop?: Sut
}

export function specFor(target: LoadTarget, phase: Phase, connections: number, thinkMs?: number): LoadSpec {
  return { url: target.url, host: target.host, connections, durationS: phase.durationS, requests: phase.requests, thinkMs }
}

export async function measure(driver: Driver, target: LoadTarget, spec: LoadSpec): Promise<Measured> {
  const pids = target.pids()
  await target.loop?.command('reset')
  const cpuBefore = totalCpuMicros(pids)
  const t0 = performance.now()
  const load = await driver.run(spec)
  const wallS = (performance.now() - t0) / 1000
  const cpu = totalCpuMicros(pids) - cpuBefore
  const stats = await target.loop?.stats()
  return {
    ...load,
    cpuUsPerReq: load.requests > 0 ? cpu / load.requests : 0,
    serverCpuPct: (cpu / 1e6 / wallS) * 100,
    eventLoopP99Ms: stats?.eventLoop.p99Ms,
  }
}

/**
 * `runs` back-to-back measurements combined: counts and CPU add up, each percentile is the median
 * of the runs (robust to one stall), the maximum is the maximum.
 */
export async function measureRuns(driver: Driver, target: LoadTarget, spec: LoadSpec, runs: number): Promise<Measured> {
  const all: Measured[] = []
  for (let i = 0; i < Math.max(1, runs); i++) all.push(await measure(driver, target, spec))
  if (all.length === 1) return all[0]!
  const sum = (pick: (m: Measured) => number) => all.reduce((s, m) => s + pick(m), 0)
  const mid = (pick: (m: Measured) => number | undefined) => median(all.map(pick).filter((v): v is number => v !== undefined))
  const requests = sum((m) => m.requests)
  const durationS = sum((m) => m.durationS)
  const cpuUs = sum((m) => m.cpuUsPerReq * m.requests)
  const cpuPct = sum((m) => m.serverCpuPct * m.durationS) / durationS
  return {
    ...all[0]!,
    requests,
    durationS,
    rps: requests / durationS,
    errors: sum((m) => m.errors),
    non2xx: sum((m) => m.non2xx),
    p50Ms: mid((m) => m.p50Ms)!,
    p90Ms: mid((m) => m.p90Ms)!,
    p99Ms: mid((m) => m.p99Ms)!,
    maxMs: Math.max(...all.map((m) => m.maxMs)),
    cpuUsPerReq: requests > 0 ? cpuUs / requests : 0,
    serverCpuPct: cpuPct,
    eventLoopP99Ms: mid((m) => m.eventLoopP99Ms),
    generatorCpuPct: mid((m) => m.generatorCpuPct),
  }
}

/** Warm-up: the same load, results discarded (JIT, pools, connections). An empty phase skips it. */
export async function warmUp(driver: Driver, target: LoadTarget, phase: Phase, connections: number): Promise<void> {
  if (!phase.durationS && !phase.requests) return
  await driver.run(specFor(target, phase, connections))
}
