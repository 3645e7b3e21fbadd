/**
 * The headless runner (`meshdojo scenario`): starts the scenario's own mesh on ephemeral ports,
 * then for each step runs its actions, its solve and its checks, and reports every check. An
 * action that fails (config rejected, toxic not found, wait timed out) fails its step and skips
 * the rest, which would run on a state the lesson did not intend.
 */
import { ConfigRejectedError, formatDiagnostic } from '../../mesh/control/index.ts'
import type { ActionOutcome } from './run-action.ts'
import { startScenarioSession, type ScenarioSession, type SessionOptions } from './session.ts'
import { StepEngine, type Phase, type ScenarioCheckResult } from './step-engine.ts'
import type { Scenario, Step } from './types.ts'

export interface StepReport {
  /** 1-based, as printed. */
  readonly number: number
  readonly title: string
  readonly status: 'passed' | 'failed' | 'skipped'
  readonly durationMs: number
  /** What ran, in order: `actions: apply …`, `solve: toxic …`, `event: kill reviews-v2`. */
  readonly actions: readonly string[]
  readonly traffic: readonly string[]
  readonly checks: readonly ScenarioCheckResult[]
  /** Why an action failed, when one did. */
  readonly error?: string
}

export interface ScenarioReport {
  readonly scenario: { readonly name: string; readonly title: string; readonly file: string; readonly seed: number }
  readonly passed: boolean
  readonly startedAt: string
  readonly durationMs: number
  readonly setup: readonly string[]
  readonly steps: readonly StepReport[]
  /** Why the mesh could not start or the setup failed, when it did. */
  readonly error?: string
}

/** Called as the run goes, for live output; every method optional. */
export interface RunListener {
  stepStarted?(number: number, step: Step): void
  action?(number: number, phase: Phase, outcome: ActionOutcome): void
  busy?(text: string | undefined): void
  stepFinished?(report: StepReport): void
}

export interface RunOptions extends SessionOptions {
  readonly listener?: RunListener
  readonly signal?: AbortSignal
}

export async function runScenario(scenario: Scenario, options: RunOptions = {}): Promise<ScenarioReport> {
  const started = performance.now()
  const startedAt = new Date().toISOString()
  const listener = options.listener ?? {}
  const head = { name: scenario.name, title: scenario.title, file: scenario.file, seed: scenario.seed }
  const setup = scenario.setup.apply.map((c) => `apply ${c.path ?? c.label}`)
  let session: ScenarioSession
  try {
    session = await startScenarioSession(scenario, options)
  } catch (err) {
    return { scenario: head, passed: false, startedAt, durationMs: performance.now() - started, setup, steps: [], error: `the mesh did not start: ${errorText(err)}` }
  }
  const steps: StepReport[] = []
  try {
    let stopped = false
    for (const [i, step] of scenario.steps.entries()) {
      const number = i + 1
      if (stopped || options.signal?.aborted) {
        const skipped: StepReport = { number, title: step.title, status: 'skipped', durationMs: 0, actions: [], traffic: [], checks: [] }
        listener.stepStarted?.(number, step)
        steps.push(skipped)
        listener.stepFinished?.(skipped)
        continue
      }
      listener.stepStarted?.(number, step)
      const report = await runStep(session, step, number, listener, options.signal)
      steps.push(report)
      listener.stepFinished?.(report)
      if (report.error) stopped = true
    }
  } finally {
    await session.close()
  }
  const passed = steps.every((s) => s.status === 'passed')
  return { scenario: head, passed, startedAt, durationMs: performance.now() - started, setup, steps }
}

async function runStep(session: ScenarioSession, step: Step, number: number, listener: RunListener, signal?: AbortSignal): Promise<StepReport> {
  const started = performance.now()
  const actions: string[] = []
  const engine = new StepEngine(
    session,
    {
      action(phase, outcome) {
        actions.push(`${phase}: ${outcome.description}`)
        listener.action?.(number, phase, outcome)
      },
      busy: (text) => listener.busy?.(text),
    },
    signal,
  )
  const base = { number, title: step.title, actions }
  try {
    await engine.runActions(step.actions, 'actions')
    await engine.runActions(step.solve, 'solve')
    const run = step.traffic.length > 0 || step.expect.length > 0 ? await engine.check(step) : undefined
    const checks = run?.results ?? []
    return { ...base, status: checks.every((c) => c.passed) ? 'passed' : 'failed', durationMs: performance.now() - started, traffic: run?.traffic ?? [], checks }
  } catch (err) {
    return { ...base, status: 'failed', durationMs: performance.now() - started, traffic: [], checks: [], error: errorText(err) }
  }
}

function errorText(err: unknown): string {
  const cause = (err as { cause?: unknown }).cause
  if (cause instanceof ConfigRejectedError) return `${(err as Error).message.split('\n')[0]}\n${cause.errors.map(formatDiagnostic).join('\n')}`
  return err instanceof Error ? err.message : String(err)
}
