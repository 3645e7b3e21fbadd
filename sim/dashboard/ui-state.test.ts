import { describe, expect, test } from 'vitest'
import { footerHints, mainKey, normaliseKey, type KeyPress } from './key-map.ts'
import { handleKey, initialUi, withOutcome, type KeyContext, type UiState } from './ui-state.ts'

const ctx: KeyContext = {
  services: ['details', 'productpage', 'ratings', 'reviews'],
  links: ['details-v1', 'productpage-v1', 'ratings-v1', 'reviews-v1', 'reviews-v2', 'reviews-v3'],
  lesson: false,
  mirrorOn: false,
  nowMs: 1000,
  split: { service: 'reviews', versions: ['v1', 'v2', 'v3'] },
}
const k = (name: string, char?: string): KeyPress => ({ name, ...(char ?? (name.length === 1 ? name : undefined) ? { char: char ?? name } : {}) })

/** Feeds keys (`:split`, `enter`, …: multi-letter words are typed, known key names pressed) and collects actions. */
function press(keys: readonly string[], start: UiState = initialUi(), c: KeyContext = ctx) {
  let ui = start
  const actions: unknown[] = []
  for (const key of keys) {
    const named = ['enter', 'escape', 'backspace', 'up', 'down', 'left', 'right', 'C-c', 'C-u', 'space', 'tab', 'pageup', 'pagedown'].includes(key)
    for (const press of named ? [k(key)] : [...key].map((ch) => k(ch))) {
      const r = handleKey(ui, press, c)
      ui = r.ui
      if (r.action) actions.push(r.action)
    }
  }
  return { ui, actions }
}

describe('keys on the main screen', () => {
  test('each key maps to its action or dialog', () => {
    const m = { lesson: false, mirrorOn: false }
    expect(mainKey(k('?'), m)).toEqual({ type: 'ui', open: 'help' })
    expect(mainKey(k('f'), m)).toEqual({ type: 'ui', open: 'fault' })
    expect(mainKey(k('s'), m)).toEqual({ type: 'ui', open: 'split' })
    expect(mainKey(k('t'), m)).toEqual({ type: 'ui', open: 'toxic' })
    expect(mainKey(k(':'), m)).toEqual({ type: 'ui', open: 'command' })
    expect(mainKey(k('/'), m)).toEqual({ type: 'ui', open: 'filter' })
    expect(mainKey(k('m'), m)).toEqual({ type: 'mirror', on: true })
    expect(mainKey(k('m'), { ...m, mirrorOn: true })).toEqual({ type: 'mirror', on: false })
    expect(mainKey(k('u'), m)).toEqual({ type: 'user' })
    expect(mainKey(k('+'), m)).toEqual({ type: 'rate', step: 1 })
    expect(mainKey(k('-'), m)).toEqual({ type: 'rate', step: -1 })
    expect(mainKey(k('r'), m)).toEqual({ type: 'reset' })
    expect(mainKey(k('q'), m)).toEqual({ type: 'quit' })
    expect(mainKey(k('C-c'), m)).toEqual({ type: 'quit' })
    expect(mainKey(k('n'), m)).toBeUndefined()
    expect(mainKey(k('S'), m)).toBeUndefined()
  })

  test('lesson keys exist only with a lesson, and lead the footer hints', () => {
    const m = { lesson: true, mirrorOn: false }
    expect(mainKey(k('n'), m)).toEqual({ type: 'lesson', op: 'next' })
    expect(mainKey(k('c'), m)).toEqual({ type: 'lesson', op: 'check' })
    expect(mainKey(k('h'), m)).toEqual({ type: 'lesson', op: 'hint' })
    expect(mainKey(k('S'), m)).toEqual({ type: 'lesson', op: 'solve' })
    expect(footerHints(true).slice(0, 4).map((h) => h.key)).toEqual(['n', 'c', 'h', 'S'])
    expect(footerHints(false)[0]!.key).toBe('?')
  })

  test("blessed's key events: shifted letters are capitals, Enter counts once, Ctrl combinations named", () => {
    expect(normaliseKey('S', { name: 's', full: 'S-s', shift: true })).toEqual({ name: 'S', char: 'S' })
    expect(normaliseKey('s', { name: 's', full: 's' })).toEqual({ name: 's', char: 's' })
    expect(normaliseKey('+', { full: '+' })).toEqual({ name: '+', char: '+' })
    expect(normaliseKey('\r', { name: 'enter', full: 'enter' })).toEqual({ name: 'enter' })
    expect(normaliseKey('\r', { name: 'return', full: 'return' })).toBeUndefined()
    expect(normaliseKey('\u0003', { name: 'c', full: 'C-c', ctrl: true })).toEqual({ name: 'C-c' })
    expect(normaliseKey(' ', { name: 'space', full: 'space' })).toEqual({ name: 'space', char: ' ' })
    expect(normaliseKey('é', { full: 'é' })).toEqual({ name: 'é', char: 'é' })
  })
})

describe('the : prompt', () => {
  test('typing a command and enter yields its action and remembers it for ↑', () => {
    const { ui, actions } = press([':', 'split reviews v3=100', 'enter'])
    expect(actions).toEqual([{ type: 'split', service: 'reviews', weights: { v3: 100 } }])
    expect(ui.overlay).toBeUndefined()
    expect(press([':', 'up'], ui).ui.overlay).toEqual({ kind: 'prompt', prompt: ':', text: 'split reviews v3=100' })
  })

  test('a bad command becomes an error in the status line, no action', () => {
    const { ui, actions } = press([':', 'split reviews v1=10', 'enter'])
    expect(actions).toEqual([])
    expect(ui.status).toEqual({ text: 'weights add up to 10; they must add up to 100', error: true, atMs: 1000 })
  })

  test('backspace edits, esc cancels, Ctrl-C quits from anywhere', () => {
    expect(press([':', 'abc', 'backspace']).ui.overlay).toEqual({ kind: 'prompt', prompt: ':', text: 'ab' })
    expect(press([':', 'abc', 'escape']).ui.overlay).toBeUndefined()
    expect(press([':', 'ab', 'C-c']).actions).toEqual([{ type: 'quit' }])
    expect(press([':', ':q', 'enter']).actions).toEqual([{ type: 'quit' }])
  })
})

describe('the / filter', () => {
  test('filters live while typing, enter keeps it, esc on the main screen clears it', () => {
    const typing = press(['/', 'FI'])
    expect(typing.ui.filter).toBe('FI')
    const kept = press(['enter'], typing.ui)
    expect(kept.ui).toMatchObject({ filter: 'FI', overlay: undefined })
    expect(press(['/'], kept.ui).ui.overlay).toEqual({ kind: 'prompt', prompt: '/', text: 'FI' })
    expect(press(['escape'], kept.ui).ui.filter).toBe('')
    expect(press(['/', 'x', 'escape'], kept.ui).ui.filter).toBe('')
  })
})

describe('menus', () => {
  test('f: service, what, whom, how often → a fault action', () => {
    const { ui, actions } = press(['f', 'enter', '4', 'enter', 'down', 'enter'])
    expect(actions).toEqual([{ type: 'fault', service: 'ratings', fault: { kind: 'abort', status: 500 }, percent: 50, user: 'jason' }])
    expect(ui.overlay).toBeUndefined()
    expect(ui.lastCommand).toBe('fault ratings abort 500 50% user=jason')
  })

  test('f: everyone, 100%, delay 7s on reviews; remove a fault in two steps', () => {
    expect(press(['f', 'down', 'enter', '1', 'down', 'enter', '1']).actions).toEqual([
      { type: 'fault', service: 'reviews', fault: { kind: 'delay', ms: 7000 }, percent: 100 },
    ])
    expect(press(['f', '1', '6']).actions).toEqual([{ type: 'fault', service: 'ratings', fault: { kind: 'off' }, percent: 0 }])
  })

  test('← goes one question back, esc closes, selection stays within the options', () => {
    const back = press(['f', 'enter', 'left'])
    expect(back.ui.overlay).toEqual({ kind: 'menu', menu: { kind: 'fault', chosen: [], selected: 0 } })
    expect(press(['f', 'enter', 'escape']).ui.overlay).toBeUndefined()
    const far = press(['f', ...Array(20).fill('down')])
    expect(far.ui.overlay).toMatchObject({ menu: { selected: 3 } }) // four services
  })

  test('t: link, toxic → a toxic action', () => {
    expect(press(['t', '3', '1']).actions).toEqual([{ type: 'toxic', workload: 'ratings-v1', toxic: 'latency', value: 500 }])
    expect(press(['t', '3', '6']).actions).toEqual([{ type: 'toxic', workload: 'ratings-v1', toxic: 'remove' }])
  })
})

describe('the split dialog', () => {
  test('s opens it with an even split; → moves 10 points to the selected version; enter applies', () => {
    const open = press(['s'])
    expect(open.ui.overlay).toEqual({ kind: 'split', draft: { service: 'reviews', versions: ['v1', 'v2', 'v3'], weights: [34, 33, 33], selected: 0 } })
    const { actions } = press(['s', 'right', 'right', 'down', 'down', 'left', 'enter'])
    expect(actions).toEqual([{ type: 'split', service: 'reviews', weights: { v1: 54, v2: 43, v3: 3 } }])
  })

  test('digits send everything to one version; it starts from the weights in force', () => {
    expect(press(['s', '3', 'enter']).actions).toEqual([{ type: 'split', service: 'reviews', weights: { v3: 100 } }])
    const c = { ...ctx, split: { ...ctx.split!, current: { v1: 80, v3: 20 } } }
    expect(press(['s'], initialUi(), c).ui.overlay).toMatchObject({ draft: { weights: [80, 0, 20] } })
    expect(press(['s', 'escape']).ui.overlay).toBeUndefined()
  })

  test('no service to split is said, not a crash', () => {
    const { split: _, ...noSplit } = ctx
    expect(press(['s'], initialUi(), noSplit).ui.status?.text).toMatch(/no service with several versions/)
  })
})

describe('the lesson panel', () => {
  test('PgDn/PgUp scroll it when a lesson runs, never above the top', () => {
    const c = { ...ctx, lesson: true }
    expect(press(['pagedown', 'pagedown'], initialUi(), c).ui.lessonScroll).toBe(10)
    expect(press(['pagedown', 'pageup', 'pageup'], initialUi(), c).ui.lessonScroll).toBe(0)
    expect(press(['pagedown']).ui.lessonScroll).toBeUndefined()
  })

  test('PgDn stops at the last page, so one PgUp after many PgDn moves up at once', () => {
    const c = { ...ctx, lesson: true, lessonScrollLimit: 7 }
    const down = press(Array(40).fill('pagedown'), initialUi(), c).ui
    expect(down.lessonScroll).toBe(7)
    expect(press(['pageup'], down, c).ui.lessonScroll).toBe(2)
    expect(press(['pagedown'], initialUi(), { ...c, lessonScrollLimit: 0 }).ui.lessonScroll).toBe(0)
  })
})

describe('outcomes', () => {
  test('success: status and applied panel; a popup only when asked (narrow screens) or on errors; any key closes it', () => {
    const ok = withOutcome(initialUi(), { ok: true, title: 'split reviews v3=100', detail: 'kind: VirtualService' }, 5, false)
    expect(ok).toMatchObject({ status: { text: 'split reviews v3=100', error: false, atMs: 5 }, applied: { text: 'kind: VirtualService' } })
    expect(ok.overlay).toBeUndefined()
    expect(withOutcome(initialUi(), { ok: true, title: 't', detail: 'y' }, 5, true).overlay).toMatchObject({ kind: 'result', error: false })
    const bad = withOutcome(initialUi(), { ok: false, title: 'rejected', detail: 'Error [IST0101]' }, 5, false)
    expect(bad.overlay).toEqual({ kind: 'result', title: 'rejected', text: 'Error [IST0101]', error: true })
    expect(press(['x'], bad).ui.overlay).toBeUndefined()
    expect(press(['?', 'q']).actions).toEqual([]) // q closes help, it does not quit
  })
})
