/**
 * A scenario played as a lesson (LessonController, the contract the dashboard's lesson panel uses):
 * `next()` enters a step and runs its actions, `check()` sends the step's traffic and checks what
 * it observed (whatever config the learner applied meanwhile), `hint()` reveals one hint, `solve()`
 * does the step's task. Calls are queued, one at a time, so keys pressed during a slow check wait.
 */
import { ConfigRejectedError, formatDiagnostic } from '../../mesh/control/index.ts'
import type { ScenarioSession } from '../scenario/session.ts'
import { StepEngine } from '../scenario/step-engine.ts'
import type { Step } from '../scenario/types.ts'
import type { LessonCheckResult, LessonController, LessonState } from './lesson-contract.ts'

export interface LessonOptions {
  /** Close the session (the mesh) on `close()`; default true. */
  readonly closeSession?: boolean
  /** Every action as it runs, e.g. `apply ../samples/istio/virtual-service-all-v1.yaml`, for a log pane. */
  readonly onLog?: (line: string) => void
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

export function createLessonController(session: ScenarioSession, options: LessonOptions = {}): LessonController {
  const { scenario } = session
  const listeners = new Set<() => void>()
  const closed = new AbortController()
  let queue: Promise<void> = Promise.resolve()
  let state: LessonState = Object.freeze({
    scenario: { name: scenario.name, title: scenario.title },
    stepIndex: -1,
    stepCount: scenario.steps.length,
    step: { title: scenario.title, text: `${scenario.summary.trimEnd()}\n\nPress **n** to start the first step.` },
    hintsShown: [],
    hintsLeft: 0,
    finished: false,
  })
  const results: Array<boolean | undefined> = scenario.steps.map(() => undefined)

  const update = (change: Partial<Mutable<LessonState>>) => {
    state = Object.freeze({ ...state, ...change })
    for (const listener of [...listeners]) {
      try {
        listener()
      } catch {
        // a broken view must not stop the lesson
      }
    }
  }
  const engine = new StepEngine(
    session,
    {
      action: (phase, outcome) => options.onLog?.(`${phase}: ${outcome.description}`),
      busy: (text) => update(text === undefined ? { busy: undefined } : { busy: text }),
    },
    closed.signal,
  )
  /** Runs `task` after the ones before it; a failure is shown as a failed check, never thrown at the keys. */
  const serial = (task: () => Promise<void>): Promise<void> => {
    const run = queue.then(async () => {
      if (closed.signal.aborted) return
      try {
        await task()
      } catch (err) {
        if (closed.signal.aborted) return
        update({ busy: undefined, lastCheck: { passed: false, results: [failure(err)] } })
      }
    })
    queue = run
    return run
  }
  const current = (): Step | undefined => (state.stepIndex >= 0 && !state.finished ? scenario.steps[state.stepIndex] : undefined)
  const applied = async (step: Step, which: 'actions' | 'solve') => {
    const actions = which === 'actions' ? step.actions : step.solve
    if (actions.length === 0) return undefined
    update({ busy: which === 'solve' ? 'applying the solution…' : "running the step's actions…" })
    const outcomes = await engine.runActions(actions, which)
    update({ busy: undefined })
    return outcomes.map((o) => o.applied).join('\n---\n')
  }

  return {
    state: () => state,
    onChange(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    next: () =>
      serial(async () => {
        if (state.finished) return
        const index = state.stepIndex + 1
        const step = scenario.steps[index]
        if (!step) {
          update({ finished: true, busy: undefined, hintsShown: [], hintsLeft: 0, lastCheck: undefined, step: { title: 'Lesson complete', text: completion(scenario.title, scenario.steps, results) } })
          return
        }
        update({ stepIndex: index, step: { title: step.title, text: step.text }, hintsShown: [], hintsLeft: step.hints.length, lastCheck: undefined })
        const text = await applied(step, 'actions')
        if (text !== undefined) update({ lastApplied: text })
      }),
    check: () =>
      serial(async () => {
        const step = current()
        if (!step) return
        if (step.traffic.length === 0 && step.expect.length === 0) {
          update({ lastCheck: { passed: true, results: [{ description: 'nothing to check in this step', passed: true, detail: 'this step has no checks; press n' }] } })
          return
        }
        const run = await engine.check(step)
        results[state.stepIndex] = run.passed
        update({ lastCheck: { passed: run.passed, results: run.results } })
      }),
    hint() {
      const step = current()
      if (!step || state.hintsShown.length >= step.hints.length) return
      const shown = step.hints.slice(0, state.hintsShown.length + 1)
      update({ hintsShown: shown, hintsLeft: step.hints.length - shown.length })
    },
    solve: () =>
      serial(async () => {
        const step = current()
        if (!step) return
        const text = await applied(step, 'solve')
        update({ lastApplied: text ?? '# nothing to do in this step: press c to check' })
      }),
    async close() {
      closed.abort()
      await queue
      listeners.clear()
      if (options.closeSession !== false) await session.close()
    },
  }
}

function failure(err: unknown): LessonCheckResult {
  const cause = (err as { cause?: unknown }).cause
  const detail = cause instanceof ConfigRejectedError ? `${(err as Error).message.split('\n')[0]}: ${cause.errors.map(formatDiagnostic).join('; ')}` : err instanceof Error ? err.message : String(err)
  return { description: 'the step could not run', passed: false, detail }
}

function completion(title: string, steps: readonly Step[], results: ReadonlyArray<boolean | undefined>): string {
  const lines = steps.map((s, i) => `- ${results[i] === true ? '✔' : results[i] === false ? '✘' : '·'} ${s.title}`)
  return `You finished **${title}**.\n\n${lines.join('\n')}\n\n✔ last check passed · ✘ last check failed · not checked`
}
