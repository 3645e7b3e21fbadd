/**
 * The interactive dashboard on a terminal: a refresh about once a second (one render per tick),
 * keys through the UI reducer, actions through the executor, resize and lesson changes redrawn at
 * once. Independent of the mesh: it reads a ViewSource and changes things through a DashboardControl,
 * so tests drive it with fakes and fake terminal streams.
 */
import blessed from 'blessed'
import type { Clock } from '../../mesh/clock.ts'
import type { LessonController } from '../workshop/lesson-contract.ts'
import type { MeshAction } from './actions.ts'
import { createScreen, type TerminalStreams } from './blessed-screen.ts'
import { BlessedPainter } from './blessed-painter.ts'
import { normaliseKey } from './key-map.ts'
import { lessonView } from './lesson-view.ts'
import { MIN_COLS, MIN_ROWS } from './layout.ts'
import type { MenuContext } from './menus.ts'
import { performAction, type DashboardControl } from './perform-action.ts'
import { guardTerminal } from './terminal-guard.ts'
import { handleKey, initialUi, withOutcome, type KeyContext, type UiState } from './ui-state.ts'
import type { DashboardView } from './view-types.ts'

/** Where the numbers come from. */
export interface ViewSource {
  /** Samples the mesh once per tick (history for sparklines, breaker counters, toxics). */
  tick(): void
  /** The view model now; `tapLines` newest requests matching `filter`. Cheap enough to call per key. */
  view(opts: { readonly filter: string; readonly tapLines: number }): DashboardView
  /** What the menus and keys need: services, links, the split target, whether a mirror is on. */
  keyContext(): MenuContext & Pick<KeyContext, 'split' | 'mirrorOn'>
  /** Called after an action changed something (e.g. to re-read toxics). */
  changed?(): void
  close?(): void
}

export interface DashboardAppOptions extends TerminalStreams {
  readonly source: ViewSource
  readonly control: DashboardControl
  readonly clock: Clock
  readonly lesson?: LessonController
  /** Default 1000 ms. */
  readonly refreshMs?: number
}

export interface Dashboard {
  /** Resolves when the learner quits (q, Ctrl-C, :q) or close() was called. */
  readonly closed: Promise<void>
  /** Stops the refresh and gives the terminal back (cursor, echo, main screen). Idempotent. */
  close(): Promise<void>
  /** The blessed screen, for tests (`screenshot()`). */
  readonly screen: blessed.Widgets.Screen
}

const TAP_LINES = 60

export function startDashboardApp(o: DashboardAppOptions): Dashboard {
  const screen = createScreen(o)
  const painter = new BlessedPainter(screen, blessed)
  let ui: UiState = initialUi()
  let view: DashboardView | undefined
  let popups = false
  let open = true
  let resolveClosed!: () => void
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve))
  const unguard = guardTerminal(() => screen.destroy())

  const control: DashboardControl = o.lesson ? { ...o.control, lesson: o.lesson } : o.control
  let lessonStep: number | undefined
  const refreshView = () => {
    const v = o.source.view({ filter: ui.filter, tapLines: TAP_LINES })
    if (!o.lesson) return void (view = v)
    const state = o.lesson.state()
    if (state.stepIndex !== lessonStep) ui = { ...ui, lessonScroll: 0 } // a new step starts at its top
    lessonStep = state.stepIndex
    view = { ...v, lesson: lessonView(state) }
  }
  const draw = (force = false) => {
    if (!open || !view) return
    painter.changed = false
    const layout = painter.paint({ view, ui, nowMs: o.clock.epochMs(), menus: o.source.keyContext() })
    popups = !layout.tooSmall && !layout.applied
    if (painter.changed || force) screen.render() // nothing new on screen: no render, no output
  }
  const safely = (what: string, fn: () => void) => {
    try {
      fn()
    } catch (err) {
      // A bad frame must not take the terminal down: say so in the status line and carry on.
      ui = { ...ui, status: { text: `${what} failed: ${(err as Error)?.message ?? String(err)}`, error: true, atMs: o.clock.epochMs() } }
      try {
        draw()
      } catch {
        // Keep the last good frame on screen.
      }
    }
  }
  const tick = () =>
    safely('refresh', () => {
      o.source.tick()
      refreshView()
      draw()
    })

  const run = async (action: MeshAction) => {
    if (action.type === 'quit') return void close()
    const outcome = await performAction(action, control)
    if (!open) return
    o.source.changed?.()
    safely('update', () => {
      ui = withOutcome(ui, outcome, o.clock.epochMs(), popups)
      refreshView()
      draw()
    })
  }

  screen.on('keypress', (ch: string | undefined, key: { name?: string; full?: string; ctrl?: boolean; shift?: boolean } | undefined) => {
    const press = normaliseKey(ch, key)
    if (!press || !open) return
    if (view === undefined || (screen.width as number) < MIN_COLS || (screen.height as number) < MIN_ROWS) {
      if (press.name === 'q' || press.name === 'C-c') void close()
      return
    }
    safely('key', () => {
      const ctx: KeyContext = { ...o.source.keyContext(), lesson: o.lesson !== undefined, nowMs: o.clock.epochMs(), lessonScrollLimit: painter.lessonScrollLimit }
      const before = ui.filter
      const result = handleKey(ui, press, ctx)
      ui = result.ui
      if (ui.filter !== before) refreshView()
      draw()
      if (result.action) void run(result.action)
    })
  })
  screen.on('resize', () => safely('resize', () => draw(true)))
  const stopLesson = o.lesson?.onChange(() => setImmediate(() => safely('lesson', () => (refreshView(), draw()))))
  const stopTimer = o.clock.every(o.refreshMs ?? 1000, tick)
  tick()

  async function close(): Promise<void> {
    if (!open) return
    open = false
    stopTimer()
    stopLesson?.()
    o.source.close?.()
    try {
      screen.destroy()
    } finally {
      unguard()
      resolveClosed()
    }
  }
  return { closed, close, screen }
}
