/**
 * The contract between a running lesson (a scenario played step by step) and whatever shows it:
 * the dashboard's lesson panel and its keys (n next step, c check, h hint, S solve). The scenario
 * runner implements LessonController; the dashboard only reads LessonState and calls the methods.
 */

export interface LessonCheckResult {
  /** What was checked, e.g. `jason's page contains "glyphicon glyphicon-star"`. */
  readonly description: string
  readonly passed: boolean
  /** Observed vs expected, e.g. `p50 of productpage for jason was 1.02 s; expected between 5.5 s and 6.5 s`. */
  readonly detail: string
}

export interface LessonState {
  readonly scenario: { readonly name: string; readonly title: string }
  /** 0-based index of the current step; -1 before the first `next()`. */
  readonly stepIndex: number
  readonly stepCount: number
  /** The current step (or the scenario summary before the first step). Text is markdown. */
  readonly step: { readonly title: string; readonly text: string }
  readonly hintsShown: readonly string[]
  readonly hintsLeft: number
  readonly lastCheck?: { readonly results: readonly LessonCheckResult[]; readonly passed: boolean }
  /** Set while actions or checks run, e.g. `sending 20 requests as jason…`. */
  readonly busy?: string
  /** The YAML or commands the last step/solve applied, to show the config behind the effect. */
  readonly lastApplied?: string
  readonly finished: boolean
}

export interface LessonController {
  state(): LessonState
  /** Called after every state change. Returns an unsubscribe function. */
  onChange(listener: () => void): () => void
  /** Runs the next step's actions (apply, toxic, kill, traffic, …) and shows its text. */
  next(): Promise<void>
  /** Runs the current step's checks against the live mesh (the learner may have changed config by hand). */
  check(): Promise<void>
  /** Reveals the next hint of the current step. */
  hint(): void
  /** Applies the current step's solution. */
  solve(): Promise<void>
  close(): Promise<void>
}
