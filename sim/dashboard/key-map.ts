/**
 * Which key does what on the main screen (k9s conventions: `?` help, `:` commands, `/` filter, esc
 * back), as data: the reducer, the footer hints and the help screen all read these tables.
 */
import type { MeshAction } from './actions.ts'

export interface KeyPress {
  /** `s`, `S`, `+`, `enter`, `escape`, `backspace`, `up`, `C-c`, … */
  readonly name: string
  /** The character typed, for text input. */
  readonly char?: string
}

export type Intent = MeshAction | { readonly type: 'ui'; readonly open: 'help' | 'fault' | 'toxic' | 'split' | 'command' | 'filter' | 'clear-filter' }

export interface KeyHint {
  readonly key: string
  readonly label: string
}

export const MAIN_KEYS: readonly KeyHint[] = [
  { key: '?', label: 'help' },
  { key: 'f', label: 'fault' },
  { key: 's', label: 'split' },
  { key: 'm', label: 'mirror' },
  { key: 't', label: 'toxic' },
  { key: 'u', label: 'user' },
  { key: '+/-', label: 'load' },
  { key: 'r', label: 'reset' },
  { key: ':', label: 'cmd' },
  { key: '/', label: 'filter' },
  { key: 'q', label: 'quit' },
]

export const LESSON_KEYS: readonly KeyHint[] = [
  { key: 'n', label: 'next' },
  { key: 'c', label: 'check' },
  { key: 'h', label: 'hint' },
  { key: 'S', label: 'solve' },
]

/** Footer hints: the lesson's keys first when a lesson runs. */
export const footerHints = (lesson: boolean): readonly KeyHint[] => (lesson ? [...LESSON_KEYS, ...MAIN_KEYS] : MAIN_KEYS)

export interface MainKeyContext {
  readonly lesson: boolean
  /** Whether a mirror is on now, so `m` toggles it. */
  readonly mirrorOn: boolean
}

export function mainKey(key: KeyPress, ctx: MainKeyContext): Intent | undefined {
  switch (key.name) {
    case '?':
      return { type: 'ui', open: 'help' }
    case 'f':
      return { type: 'ui', open: 'fault' }
    case 's':
      return { type: 'ui', open: 'split' }
    case 't':
      return { type: 'ui', open: 'toxic' }
    case ':':
      return { type: 'ui', open: 'command' }
    case '/':
      return { type: 'ui', open: 'filter' }
    case 'escape':
      return { type: 'ui', open: 'clear-filter' }
    case 'm':
      return { type: 'mirror', on: !ctx.mirrorOn }
    case 'u':
      return { type: 'user' }
    case '+':
    case '=':
      return { type: 'rate', step: 1 }
    case '-':
    case '_':
      return { type: 'rate', step: -1 }
    case 'r':
      return { type: 'reset' }
    case 'q':
    case 'C-c':
      return { type: 'quit' }
  }
  if (!ctx.lesson) return undefined
  switch (key.name) {
    case 'n':
      return { type: 'lesson', op: 'next' }
    case 'c':
      return { type: 'lesson', op: 'check' }
    case 'h':
      return { type: 'lesson', op: 'hint' }
    case 'S':
      return { type: 'lesson', op: 'solve' }
  }
  return undefined
}

/**
 * blessed's keypress → KeyPress. Shifted letters become capitals (`S`), Ctrl combinations `C-x`;
 * blessed reports Enter twice (`enter`, then `return`): `return` is dropped.
 */
export function normaliseKey(ch: string | undefined, key: { name?: string; full?: string; ctrl?: boolean; shift?: boolean } | undefined): KeyPress | undefined {
  const name = key?.name
  if (name === 'return') return undefined
  const char = ch && ch.length >= 1 && !/[\x00-\x1f\x7f]/.test(ch) ? ch : undefined
  if (key?.ctrl && name) return { name: `C-${name}` }
  if (name && /^[a-z]$/.test(name)) return { name: key?.shift ? name.toUpperCase() : name, char: char ?? name }
  if (name === 'space') return { name: 'space', char: ' ' }
  if (name && name.length > 1) return { name, ...(char ? { char } : {}) }
  if (char) return { name: char, char }
  return undefined
}
