/**
 * Warm-up until steady. A fresh Node server needs seconds of load before V8 has optimized its hot
 * paths: measured on this VM, a mesh path starts near 2,000 µs of CPU per request, is at 360 µs
 * after 2 s and settles near 300 µs after 3–4 s. A fixed one-second warm-up therefore measured
 * half-cold code in the first pass (quick runs saw first passes 3–6× slower than the second).
 * So the first warm-up of every fresh process loads it in short steps and stops once a step no
 * longer beats the best step before it by `gain`, after at least `minS` and at most `maxS`.
 */
import { measure, warmUp, type LoadTarget } from './measure.ts'
import type { Phase } from './options.ts'
import type { Driver } from './load/types.ts'

export interface SettlePolicy {
  /** Length of one step, s. */
  readonly stepS: number
  /** Never stop before this much load, s. */
  readonly minS: number
  /** Give up waiting for a steady state after this much, s. */
  readonly maxS: number
  /** A step that lowers CPU per request by more than this fraction means the code is still warming. */
  readonly gain: number
}

export interface Settled {
  /** Seconds of load spent warming. */
  readonly seconds: number
  /** CPU µs per request of each step. */
  readonly cpuUsPerStep: readonly number[]
  /** False when `maxS` ran out while CPU per request was still falling. */
  readonly steady: boolean
}

/** The stopping rule, on the steps so far: the last step did not improve on the best before it. */
export function isSteady(cpuUsPerStep: readonly number[], elapsedS: number, policy: SettlePolicy): boolean {
  if (elapsedS < policy.minS || cpuUsPerStep.length < 2) return false
  const last = cpuUsPerStep.at(-1)!
  const bestBefore = Math.min(...cpuUsPerStep.slice(0, -1))
  return last >= bestBefore * (1 - policy.gain)
}

export async function warmUntilSteady(driver: Driver, target: LoadTarget, connections: number, policy: SettlePolicy): Promise<Settled> {
  const cpuUsPerStep: number[] = []
  let seconds = 0
  while (seconds < policy.maxS) {
    const step = await measure(driver, target, { url: target.url, host: target.host, connections, durationS: policy.stepS })
    seconds += policy.stepS
    // A step that served nothing (a stall) says nothing about warmth: count its time, not its figure.
    if (step.requests > 0) cpuUsPerStep.push(step.cpuUsPerReq)
    if (isSteady(cpuUsPerStep, seconds, policy)) return { seconds, cpuUsPerStep, steady: true }
  }
  return { seconds, cpuUsPerStep, steady: false }
}

/** The first warm-up of a fresh process: until steady with a policy, else (smoke) the plain phase. */
export async function warmFresh(driver: Driver, target: LoadTarget, connections: number, policy: SettlePolicy | undefined, phase: Phase): Promise<Settled | undefined> {
  if (policy) return warmUntilSteady(driver, target, connections, policy)
  await warmUp(driver, target, phase, connections)
  return undefined
}

/** One report line on the warm-ups of a section: how long they took and which never settled. */
export function settleNote(what: string, warmed: ReadonlyMap<string, Settled | undefined>, policy: SettlePolicy | undefined): string | undefined {
  const done = [...warmed].filter((e): e is [string, Settled] => e[1] !== undefined)
  if (!policy || done.length === 0) return undefined
  const secs = done.map(([, s]) => s.seconds)
  const unsteady = done.filter(([, s]) => !s.steady).map(([id]) => id)
  return (
    `${what}: each fresh process warmed in ${policy.stepS} s steps until CPU per request stopped falling by more than ${policy.gain * 100}% ` +
    `(${Math.min(...secs)}–${Math.max(...secs)} s)` +
    (unsteady.length > 0 ? `; still falling after ${policy.maxS} s: ${unsteady.join(', ')}` : '')
  )
}

/** A progress line: `warmed hop1 for 6 s: 2140 → 302 µs/req`. */
export const settleLine = (id: string, s: Settled): string =>
  `bench: warmed ${id} for ${s.seconds} s: ${s.cpuUsPerStep.map((c) => c.toFixed(0)).join(' → ')} µs/req${s.steady ? '' : ' (still falling)'}`
