/**
 * Warm-up until steady. A fresh Node server needs seconds of load before V8 has optimized its hot
 * paths: measured on this VM, a mesh path starts near 2,000 µs of CPU per request, is at 360 µs
 * after 2 s and settles near 300 µs after 3–4 s. A fixed one-second warm-up therefore measured
 * half-cold code in the first pass (quick runs saw first passes 3–6× slower than the second).
 * So the first warm-up of every fresh process loads it in short steps and stops once a step no
 * longer beats the best step before it by `gain`, after at least `minS` and at most `maxS`.
 */
import { measure, specFor, warmUp, type LoadTarget } from './measure.ts'
import type { BenchOptions, Phase } from './options.ts'
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
    const step = await measure(driver, target, specFor(target, { durationS: policy.stepS }, connections))
    seconds += policy.stepS
    // A step that served nothing (a stall) says nothing about warmth: count its time, not its figure.
    if (step.requests > 0) cpuUsPerStep.push(step.cpuUsPerReq)
    if (isSteady(cpuUsPerStep, seconds, policy)) return { seconds, cpuUsPerStep, steady: true }
  }
  return { seconds, cpuUsPerStep, steady: false }
}

/**
 * Warms the processes of one section: until steady the first time a process is loaded, then with
 * the short per-pass warm-up. Without a policy (smoke runs) every warm-up is the plain phase.
 */
export class Warmer {
  /** Each process's first warm-up, by name. */
  readonly settled = new Map<string, Settled>()
  private readonly seen = new Set<string>()

  constructor(
    private readonly driver: Driver,
    private readonly options: Pick<BenchOptions, 'connections' | 'settle' | 'warmup' | 'log'>,
  ) {}

  /** `phase` replaces the per-pass warm-up (Bookinfo counts pages, not requests). */
  async warm(name: string, target: LoadTarget, phase: Phase = this.options.warmup): Promise<void> {
    const { settle, connections } = this.options
    const fresh = !this.seen.has(name)
    this.seen.add(name)
    if (!fresh || !settle) return warmUp(this.driver, target, phase, connections)
    const settled = await warmUntilSteady(this.driver, target, connections, settle)
    this.settled.set(name, settled)
    this.options.log(
      `bench: warmed ${name} for ${settled.seconds} s: ${settled.cpuUsPerStep.map((c) => c.toFixed(0)).join(' → ')} µs/req${settled.steady ? '' : ' (still falling)'}`,
    )
  }

  /** One report line: how long the first warm-ups took and which never settled. */
  note(): string | undefined {
    const policy = this.options.settle
    if (!policy || this.settled.size === 0) return undefined
    const secs = [...this.settled.values()].map((s) => s.seconds)
    const unsteady = [...this.settled].filter(([, s]) => !s.steady).map(([name]) => name)
    return (
      `warm-up: each fresh process warmed in ${policy.stepS} s steps until CPU per request stopped falling by more than ${policy.gain * 100}% ` +
      `(${Math.min(...secs) === Math.max(...secs) ? secs[0] : `${Math.min(...secs)}–${Math.max(...secs)}`} s)` +
      (unsteady.length > 0 ? `; still falling after ${policy.maxS} s: ${unsteady.join(', ')}` : '')
    )
  }
}
