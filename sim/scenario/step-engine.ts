/**
 * Plays steps on a live session; shared by the headless runner and the workshop's lesson
 * controller so both mean the same thing by "run the step" and "check it":
 *
 * - actions: the state the step starts from (run on entering it);
 * - solve: the step's task, done for the learner (the runner does it right after the actions);
 * - check: send the step's traffic, let telemetry settle, evaluate `expect` on what that traffic
 *   observed (its responses, the records of its request ids, the metrics' change meanwhile).
 */
import type { LessonCheckResult } from '../workshop/lesson-contract.ts'
import { evaluateCheck } from './checks/index.ts'
import { observe, settle } from './observation.ts'
import { runAction, type ActionOutcome } from './run-action.ts'
import { describeTraffic, sendTraffic } from './send-traffic.ts'
import type { ScenarioSession } from './session.ts'
import type { Action, Step } from './types.ts'

export type Phase = 'setup' | 'actions' | 'solve' | 'event'

export interface ScenarioCheckResult extends LessonCheckResult {
  /** For failed checks: the check's own hint, or the step's first. */
  readonly hint?: string
}

export interface CheckRun {
  readonly results: readonly ScenarioCheckResult[]
  readonly passed: boolean
  /** What was sent, one line per traffic spec. */
  readonly traffic: readonly string[]
  readonly durationMs: number
}

export interface EngineListener {
  action?(phase: Phase, outcome: ActionOutcome): void
  /** Text while something runs (`sending 20 requests …`), undefined when done. */
  busy?(text: string | undefined): void
}

export class StepEngine {
  #runs = 0

  constructor(
    readonly session: ScenarioSession,
    private readonly listener: EngineListener = {},
    private readonly signal?: AbortSignal,
  ) {}

  /** Runs actions in order; the first failure (an ActionError) stops the rest. */
  async runActions(actions: readonly Action[], phase: Phase): Promise<ActionOutcome[]> {
    const done: ActionOutcome[] = []
    const tag = this.#tag('a')
    for (const action of actions) {
      const outcome = await runAction(action, { session: this.session, tag, signal: this.signal })
      done.push(outcome)
      this.listener.action?.(phase, outcome)
    }
    return done
  }

  /** Sends the step's traffic and evaluates its checks on what that traffic observed. */
  async check(step: Step): Promise<CheckRun> {
    const started = performance.now()
    const { mesh } = this.session
    const tag = this.#tag('c')
    // An experiment that kills a pod starts from a running pod, so checking again repeats it.
    for (const t of step.traffic) {
      for (const e of t.events) if (e.action.kind === 'kill' && mesh.workload(e.action.workload).state === 'killed') await mesh.workload(e.action.workload).restart()
    }
    const obs = await observe(this.session, tag)
    try {
      const traffic: string[] = []
      for (const spec of step.traffic) {
        const line = describeTraffic(spec)
        this.listener.busy?.(`sending ${line}…`)
        traffic.push(line)
        const runEvent = async (action: Action) => {
          const outcome = await runAction(action, { session: this.session, tag: this.#tag('e'), signal: this.signal })
          this.listener.action?.('event', outcome)
        }
        await sendTraffic(spec, tag, { session: this.session, runAction: runEvent, signal: this.signal }, obs.responses)
      }
      this.listener.busy?.('checking…')
      if (step.traffic.length > 0) await settle(obs, mesh.clock)
      const results: ScenarioCheckResult[] = []
      for (const check of step.expect) {
        const hint = check.hint ?? step.hints[0]
        for (const r of await evaluateCheck(check, obs, this.session)) results.push(!r.passed && hint ? { ...r, hint } : r)
      }
      return { results, passed: results.every((r) => r.passed), traffic, durationMs: performance.now() - started }
    } finally {
      obs.stop()
      this.listener.busy?.(undefined)
    }
  }

  /** Request-id prefix of one run: `md-c7` for the 7th check; unique within this engine. */
  #tag(kind: 'a' | 'c' | 'e'): string {
    return `md-${kind}${++this.#runs}`
  }
}
