/**
 * The lesson panel's content from a LessonState: title, progress, the step's markdown rendered
 * simply (headings bold, code in a colour, bullets as •), hints, the last check and what was applied.
 */
import type { LessonState } from '../workshop/lesson-contract.ts'
import { seg, type Segment } from './segments.ts'
import type { LessonView } from './view-types.ts'

export function lessonView(state: LessonState): LessonView {
  const progress = state.finished ? 'done' : state.stepIndex < 0 ? 'intro' : `step ${state.stepIndex + 1}/${state.stepCount}`
  return {
    title: state.scenario.title,
    progress,
    stepTitle: state.step.title,
    text: markdownLines(state.step.text),
    hints: state.hintsShown,
    hintsLeft: state.hintsLeft,
    checks: state.lastCheck?.results ?? [],
    ...(state.lastCheck ? { checkPassed: state.lastCheck.passed } : {}),
    ...(state.busy ? { busy: state.busy } : {}),
    ...(state.lastApplied ? { lastApplied: state.lastApplied } : {}),
    finished: state.finished,
  }
}

/** Enough markdown for lesson text: `#` headings, fenced code, `- `/`* `/`1. ` lists, `inline code`, **bold**. */
export function markdownLines(text: string): Segment[][] {
  const out: Segment[][] = []
  let fenced = false
  for (const raw of text.replace(/\s+$/, '').split('\n')) {
    if (/^\s*(```|~~~)/.test(raw)) {
      fenced = !fenced
      continue
    }
    if (fenced) {
      out.push([seg(`  ${raw}`, 'code')])
      continue
    }
    const heading = /^\s{0,3}#{1,6}\s+(.*)$/.exec(raw)
    if (heading) {
      out.push([seg(heading[1]!.trim(), 'title')])
      continue
    }
    const bullet = /^(\s*)(?:[-*+]|(\d+)[.)])\s+(.*)$/.exec(raw)
    if (bullet) {
      out.push([seg(`${bullet[1]}${bullet[2] ? `${bullet[2]}.` : '•'} `), ...inline(bullet[3]!)])
      continue
    }
    out.push(inline(raw))
  }
  return out
}

/** `code` and **bold** inside a line. */
function inline(text: string): Segment[] {
  const out: Segment[] = []
  const re = /`([^`]+)`|\*\*([^*]+)\*\*/g
  let at = 0
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > at) out.push(seg(text.slice(at, m.index)))
    out.push(m[1] !== undefined ? seg(m[1], 'code') : seg(m[2]!, 'title'))
    at = m.index + m[0].length
  }
  if (at < text.length || out.length === 0) out.push(seg(text.slice(at)))
  return out
}
