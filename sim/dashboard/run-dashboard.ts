/**
 * `runDashboard`: the live terminal dashboard for a running mesh (what `meshdojo demo` shows on a
 * TTY, and `meshdojo workshop` with a lesson). Returns at once; `closed` resolves when the learner
 * quits, `close()` gives the terminal back. The mesh itself is left running for its owner to close.
 */
import type { AccessLogRing } from '../../mesh/telemetry/access-log-ring.ts'
import type { BackgroundLoad } from '../load/background-load.ts'
import type { Mesh } from '../mesh/start-mesh.ts'
import type { LessonController } from '../workshop/lesson-contract.ts'
import type { TerminalStreams } from './blessed-screen.ts'
import { startDashboardApp, type Dashboard } from './dashboard-app.ts'
import { meshControl } from './mesh-control.ts'
import { meshViewSource } from './mesh-source.ts'

export type { Dashboard } from './dashboard-app.ts'

export interface DashboardOptions extends TerminalStreams {
  readonly mesh: Mesh
  /** Shown in the header, e.g. `http://127.0.0.1:15000`. */
  readonly adminUrl?: string
  /** The background load; `u` and `+`/`-` change it, `r` restores its start values. */
  readonly load?: BackgroundLoad
  /** The access-log ring (`obs.logs`) for the tap; without it the dashboard subscribes to `mesh.telemetry`. */
  readonly logs?: AccessLogRing
  /** A lesson to show in a side panel, with keys n (next), c (check), h (hint), S (solve). */
  readonly lesson?: LessonController
  /** Refresh period; default 1000 ms. */
  readonly refreshMs?: number
  /** Stats window; default 10 s. */
  readonly windowSeconds?: number
}

export function runDashboard(options: DashboardOptions): Dashboard {
  const { mesh, lesson } = options
  return startDashboardApp({
    ...(options.input ? { input: options.input } : {}),
    ...(options.output ? { output: options.output } : {}),
    ...(options.terminal ? { terminal: options.terminal } : {}),
    source: meshViewSource(options),
    control: meshControl(options),
    clock: mesh.clock,
    ...(lesson ? { lesson } : {}),
    ...(options.refreshMs ? { refreshMs: options.refreshMs } : {}),
  })
}

/** The dashboard when stdout is a terminal, `--plain` was not asked for and this is not CI; the plain table otherwise. */
export function wantsDashboard(isTTY: boolean, plain: boolean | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0'
  return isTTY && !plain && !ci
}
