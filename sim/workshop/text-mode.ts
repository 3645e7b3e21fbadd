/**
 * The workshop without the dashboard: the lesson as plain text, driven by single keys (a TTY in
 * raw mode) or by lines (a pipe): n next step, c check, h hint, S solve, ? help, q quit.
 * It only reads LessonState and calls the controller, as the dashboard's lesson panel does.
 */
import { emitKeypressEvents } from 'node:readline'
import type { Readable } from 'node:stream'
import type { LessonController, LessonState } from './lesson-contract.ts'

export const KEYS_HELP = 'keys: n next step · c check · h hint · S solve · ? help · q quit'

export interface TextModeOptions {
  readonly input: Readable & { isTTY?: boolean; setRawMode?: (on: boolean) => unknown }
  readonly write: (text: string) => void
  /** Resolves on Ctrl-C / SIGTERM. */
  readonly interrupted: Promise<void>
}

/** Runs until `q`, end of input or an interrupt. Does not close the lesson. */
export async function runTextMode(lesson: LessonController, options: TextModeOptions): Promise<void> {
  const { input, write } = options
  let shown: LessonState | undefined
  const render = () => {
    const s = lesson.state()
    for (const line of changes(shown, s)) write(line)
    shown = s
  }
  const unsubscribe = lesson.onChange(render)
  render()
  write(KEYS_HELP)

  let stop: () => void = () => {}
  const done = new Promise<void>((resolve) => (stop = resolve))
  const act = (key: string) => {
    switch (key) {
      case 'n':
        void lesson.next()
        break
      case 'c':
        void lesson.check()
        break
      case 'h':
        if (lesson.state().hintsLeft === 0) write(lesson.state().stepIndex < 0 ? 'Start the first step with n.' : 'No more hints for this step; S shows the solution.')
        lesson.hint()
        break
      case 'S':
        void lesson.solve()
        break
      case '?':
        write(KEYS_HELP)
        break
      case 'q':
        stop()
        break
    }
  }

  const raw = input.isTTY === true && typeof input.setRawMode === 'function'
  const onKeypress = (str: string | undefined, key: { ctrl?: boolean; name?: string } | undefined) => {
    if (key?.ctrl && key.name === 'c') return stop()
    if (str) act(str)
  }
  let buffered = ''
  const onData = (chunk: Buffer | string) => {
    buffered += chunk.toString()
    let nl: number
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl).trim()
      buffered = buffered.slice(nl + 1)
      for (const key of line) act(key)
    }
  }
  if (raw) {
    emitKeypressEvents(input)
    input.setRawMode!(true)
    input.on('keypress', onKeypress)
  } else {
    input.on('data', onData)
  }
  input.once('end', stop)
  input.resume()
  try {
    await Promise.race([done, options.interrupted])
  } finally {
    unsubscribe()
    input.off('keypress', onKeypress)
    input.off('data', onData)
    input.off('end', stop)
    if (raw) input.setRawMode!(false)
    input.pause()
  }
}

/** The lines that describe what changed between two states (everything, the first time). */
export function changes(before: LessonState | undefined, s: LessonState): string[] {
  const out: string[] = []
  if (!before || before.stepIndex !== s.stepIndex || before.finished !== s.finished) {
    const where = s.finished || s.stepIndex < 0 ? s.scenario.name : `${s.scenario.name} · step ${s.stepIndex + 1}/${s.stepCount}`
    out.push('', `━━ ${s.step.title} (${where}) ━━`, '', plain(s.step.text))
  }
  if (s.busy && s.busy !== before?.busy) out.push(`… ${s.busy}`)
  if (s.hintsShown.length > (before?.stepIndex === s.stepIndex ? before.hintsShown.length : 0)) {
    out.push(`Hint ${s.hintsShown.length}/${s.hintsShown.length + s.hintsLeft}: ${s.hintsShown.at(-1)}`)
  }
  if (s.lastApplied !== undefined && s.lastApplied !== before?.lastApplied) out.push('Applied:', indent(s.lastApplied))
  if (s.lastCheck && s.lastCheck !== before?.lastCheck) {
    for (const r of s.lastCheck.results) out.push(`  ${r.passed ? '✔' : '✘'} ${r.detail}`)
    out.push(s.lastCheck.passed ? '✔ All checks pass: press n for the next step.' : '✘ Not yet: h for a hint, S for the solution, c to check again.')
  }
  return out
}

/** Markdown as readable plain text: code blocks indented, emphasis markers dropped. */
const plain = (md: string) => md.trimEnd().replace(/\*\*(.+?)\*\*/g, '$1').replace(/`([^`\n]+)`/g, '$1')
const indent = (text: string) => text.split('\n').map((l) => `    ${l}`).join('\n')
