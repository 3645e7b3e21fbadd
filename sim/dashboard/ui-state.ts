/**
 * Everything the dashboard shows on top of the live numbers: the open dialog (help, a menu, the
 * split dialog, the `:`/`/` prompt, a result), the tap filter, the status line and the last
 * applied config. `handleKey` is a pure reducer: state + key → state (+ an action to carry out).
 */
import { commandFor, type MeshAction } from './actions.ts'
import { parseCommand } from './command-line.ts'
import { mainKey, type KeyPress, type MainKeyContext } from './key-map.ts'
import { menuBack, menuChoose, menuStep, openMenu, type MenuContext, type MenuState } from './menus.ts'
import { adjust, allTo, draftWeights, moveSelection, openSplit, type SplitDraft } from './split-draft.ts'

export type Overlay =
  | { readonly kind: 'help' }
  | { readonly kind: 'prompt'; readonly prompt: ':' | '/'; readonly text: string }
  | { readonly kind: 'menu'; readonly menu: MenuState }
  | { readonly kind: 'split'; readonly draft: SplitDraft }
  /** An outcome worth a popup: an error, or applied YAML when there is no panel for it. */
  | { readonly kind: 'result'; readonly title: string; readonly text: string; readonly error: boolean }

export interface StatusLine {
  readonly text: string
  readonly error: boolean
  readonly atMs: number
}

/** The last change and the config behind it (Istio YAML, a Toxiproxy call), for the "Applied" panel. */
export interface AppliedNote {
  readonly title: string
  readonly text: string
  readonly error: boolean
  readonly atMs: number
}

export interface UiState {
  readonly overlay?: Overlay
  /** The tap filter (regex or text); '' shows everything. */
  readonly filter: string
  readonly status?: StatusLine
  readonly applied?: AppliedNote
  /** The last `:` command, recalled with ↑. */
  readonly lastCommand?: string
  /** First line of the lesson panel shown (PgUp/PgDn); the painter clamps it to the content. */
  readonly lessonScroll?: number
}

export interface KeyContext extends MenuContext, MainKeyContext {
  readonly nowMs: number
  /** What `s` edits (reviews): its versions and the weights in force, if any. */
  readonly split?: { readonly service: string; readonly versions: readonly string[]; readonly current?: Readonly<Record<string, number>> }
  /** The lesson panel's last scroll position (from the last paint): PgDn stops there, so PgUp moves at once. */
  readonly lessonScrollLimit?: number
}

export interface KeyResult {
  readonly ui: UiState
  readonly action?: MeshAction
}

export const initialUi = (): UiState => ({ filter: '' })

export function handleKey(ui: UiState, key: KeyPress, ctx: KeyContext): KeyResult {
  if (key.name === 'C-c') return { ui: { ...ui, overlay: undefined }, action: { type: 'quit' } }
  const o = ui.overlay
  if (!o) return mainScreen(ui, key, ctx)
  switch (o.kind) {
    case 'help':
    case 'result':
      return { ui: { ...ui, overlay: undefined } } // any key closes it
    case 'prompt':
      return prompt(ui, o, key, ctx)
    case 'menu':
      return menu(ui, o.menu, key, ctx)
    case 'split':
      return split(ui, o.draft, key)
  }
}

/** Shows an action's result: the status line, the applied panel, and a popup for errors (or when asked). */
export function withOutcome(ui: UiState, outcome: { title: string; detail?: string; ok: boolean }, nowMs: number, popup: boolean): UiState {
  const status = { text: outcome.title, error: !outcome.ok, atMs: nowMs }
  const applied = outcome.detail ? { title: outcome.title, text: outcome.detail, error: !outcome.ok, atMs: nowMs } : ui.applied
  const show = outcome.detail && (popup || !outcome.ok) && !ui.overlay
  return { ...ui, status, applied, ...(show ? { overlay: { kind: 'result' as const, title: outcome.title, text: outcome.detail!, error: !outcome.ok } } : {}) }
}

function mainScreen(ui: UiState, key: KeyPress, ctx: KeyContext): KeyResult {
  if (ctx.lesson && (key.name === 'pagedown' || key.name === 'pageup')) {
    const wanted = (ui.lessonScroll ?? 0) + (key.name === 'pagedown' ? 5 : -5)
    return { ui: { ...ui, lessonScroll: Math.max(0, Math.min(ctx.lessonScrollLimit ?? Infinity, wanted)) } }
  }
  const intent = mainKey(key, ctx)
  if (!intent) return { ui }
  if (intent.type !== 'ui') return { ui, action: intent }
  switch (intent.open) {
    case 'help':
      return { ui: { ...ui, overlay: { kind: 'help' } } }
    case 'fault':
    case 'toxic':
      return { ui: { ...ui, overlay: { kind: 'menu', menu: openMenu(intent.open) } } }
    case 'split':
      if (!ctx.split) return { ui: status(ui, 'no service with several versions to split', true, ctx) }
      return { ui: { ...ui, overlay: { kind: 'split', draft: openSplit(ctx.split.service, ctx.split.versions, ctx.split.current) } } }
    case 'command':
      return { ui: { ...ui, overlay: { kind: 'prompt', prompt: ':', text: '' } } }
    case 'filter':
      return { ui: { ...ui, overlay: { kind: 'prompt', prompt: '/', text: ui.filter } } }
    case 'clear-filter':
      return { ui: { ...ui, filter: '' } }
  }
}

function prompt(ui: UiState, o: Extract<Overlay, { kind: 'prompt' }>, key: KeyPress, ctx: KeyContext): KeyResult {
  const live = (text: string): UiState => ({ ...ui, overlay: { ...o, text }, ...(o.prompt === '/' ? { filter: text } : {}) })
  switch (key.name) {
    case 'escape':
      return { ui: { ...ui, overlay: undefined, ...(o.prompt === '/' ? { filter: '' } : {}) } }
    case 'enter': {
      if (o.prompt === '/') return { ui: { ...ui, overlay: undefined, filter: o.text } }
      if (!o.text.trim()) return { ui: { ...ui, overlay: undefined } }
      const parsed = parseCommand(o.text)
      const closed = { ...ui, overlay: undefined, lastCommand: o.text }
      if ('error' in parsed) return { ui: status(closed, parsed.error, true, ctx) }
      return { ui: closed, action: parsed }
    }
    case 'backspace':
      if (o.text === '') return { ui: { ...ui, overlay: undefined } }
      return { ui: live([...o.text].slice(0, -1).join('')) }
    case 'C-u':
      return { ui: live('') }
    case 'up':
      return o.prompt === ':' && ui.lastCommand ? { ui: live(ui.lastCommand) } : { ui }
  }
  if (key.char && !key.name.startsWith('C-')) return { ui: live(o.text + key.char) }
  return { ui }
}

function menu(ui: UiState, m: MenuState, key: KeyPress, ctx: KeyContext): KeyResult {
  const last = menuStep(m, ctx).options.length - 1
  const set = (next: MenuState): KeyResult => ({ ui: { ...ui, overlay: { kind: 'menu', menu: next } } })
  const choose = (at: MenuState): KeyResult => {
    const next = menuChoose(at, ctx)
    if ('kind' in next) return set(next)
    const cmd = commandFor(next)
    return { ui: { ...ui, overlay: undefined, ...(cmd ? { lastCommand: cmd.slice(1) } : {}) }, action: next }
  }
  switch (key.name) {
    case 'up':
    case 'k':
      return set({ ...m, selected: Math.max(0, m.selected - 1) })
    case 'down':
    case 'j':
    case 'tab':
      return set({ ...m, selected: Math.max(0, Math.min(last, m.selected + 1)) })
    case 'enter':
    case 'right':
    case 'l':
    case 'space':
      return choose(m)
    case 'escape':
    case 'left':
    case 'backspace': {
      const back = key.name === 'escape' ? undefined : menuBack(m)
      return back ? set(back) : { ui: { ...ui, overlay: undefined } }
    }
  }
  if (/^[1-9]$/.test(key.name)) return choose({ ...m, selected: Number(key.name) - 1 })
  return { ui }
}

function split(ui: UiState, d: SplitDraft, key: KeyPress): KeyResult {
  const set = (draft: SplitDraft): KeyResult => ({ ui: { ...ui, overlay: { kind: 'split', draft } } })
  switch (key.name) {
    case 'up':
    case 'k':
      return set(moveSelection(d, -1))
    case 'down':
    case 'j':
    case 'tab':
      return set(moveSelection(d, 1))
    case 'left':
    case 'h':
    case '-':
      return set(adjust(d, -10))
    case 'right':
    case 'l':
    case '+':
    case '=':
      return set(adjust(d, 10))
    case 'enter': {
      const action = { type: 'split' as const, service: d.service, weights: draftWeights(d) }
      return { ui: { ...ui, overlay: undefined, lastCommand: commandFor(action)!.slice(1) }, action }
    }
    case 'escape':
    case 'q':
      return { ui: { ...ui, overlay: undefined } }
  }
  if (/^[1-9]$/.test(key.name)) return set(allTo(d, Number(key.name) - 1))
  return { ui }
}

const status = (ui: UiState, text: string, error: boolean, ctx: { nowMs: number }): UiState => ({ ...ui, status: { text, error, atMs: ctx.nowMs } })
