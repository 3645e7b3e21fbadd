/** The popups' titles and lines: help, the fault/toxic menus, the split dialog, an action's result. */
import { COMMAND_HELP } from './command-line.ts'
import { LESSON_KEYS } from './key-map.ts'
import { menuStep, type MenuContext } from './menus.ts'
import { yamlLines } from './panel-lines.ts'
import { fit, seg, type Line } from './segments.ts'
import type { SplitDraft } from './split-draft.ts'
import type { Overlay } from './ui-state.ts'

export interface Popup {
  readonly title: string
  readonly lines: readonly Line[]
  readonly error?: boolean
}

const HELP_KEYS: readonly (readonly [string, string])[] = [
  ['f', 'fault injection: delay or abort a service, for jason or everyone'],
  ['s', 'traffic split: reviews v1/v2/v3 weights'],
  ['m', 'mirror on/off: copies of reviews v1 traffic to v2 (httpbin when it runs)'],
  ['t', 'Toxiproxy toxic on the TCP link into a workload'],
  ['u', 'who the load logs in as: anonymous → jason → mixed'],
  ['+ -', 'more or fewer page loads per second'],
  ['r', 'reset: the config it started with, no toxics, the load as it started'],
  [':', 'command line (below)'],
  ['/', 'filter the tap (regex or text); esc clears'],
  ['q', 'quit (also Ctrl-C)'],
]

export function overlayPopup(o: Overlay, ctx: MenuContext & { lesson: boolean }, width: number): Popup | undefined {
  switch (o.kind) {
    case 'help':
      return { title: 'Help', lines: helpLines(ctx.lesson) }
    case 'menu': {
      const step = menuStep(o.menu, ctx)
      const lines: Line[] = [[seg(step.title, 'title')], []]
      step.options.forEach((opt, i) => {
        const on = i === o.menu.selected
        lines.push([seg(on ? ' ▸ ' : '   ', 'accent'), seg(`${i + 1} `, 'key'), seg(opt.label, on ? 'title' : 'plain')])
      })
      lines.push([], [seg('↑↓ choose  enter pick  ← back  esc cancel', 'muted')])
      return { title: o.menu.kind === 'fault' ? 'Fault injection' : 'Toxiproxy', lines }
    }
    case 'split':
      return { title: `Traffic split: ${o.draft.service}`, lines: splitLines(o.draft) }
    case 'result':
      return { title: o.error ? 'Error' : 'Applied', lines: [[seg(o.title, o.error ? 'error' : 'title')], [], ...yamlLines(o.text, width - 4, o.error), [], [seg('any key closes', 'muted')]], error: o.error }
    case 'prompt':
      return undefined
  }
}

function helpLines(lesson: boolean): Line[] {
  const lines: Line[] = []
  if (lesson) {
    lines.push([seg('Lesson', 'title')])
    for (const k of LESSON_KEYS) lines.push([seg(fit(k.key, 5), 'key'), seg(LESSON_HELP[k.key] ?? k.label)])
    lines.push([seg(fit('PgDn', 5), 'key'), seg('scroll the lesson (PgUp back)')], [])
  }
  lines.push([seg('Keys', 'title')])
  for (const [k, text] of HELP_KEYS) lines.push([seg(fit(k, 5), 'key'), seg(text)])
  lines.push([], [seg('Commands', 'title')])
  for (const [cmd, text] of COMMAND_HELP) lines.push([seg(fit(cmd, 38), 'code'), seg(text, 'muted')])
  lines.push([], [seg('Every change goes through the control plane (like meshdojo apply) and shows its YAML.', 'muted')], [seg('any key closes', 'muted')])
  return lines
}

const LESSON_HELP: Readonly<Record<string, string>> = {
  n: "next step: runs its actions (apply, traffic, …) and shows its text",
  c: 'check now: runs the step\'s checks against the live mesh',
  h: 'the next hint',
  S: 'solve: applies the step\'s solution',
}

const BAR = 20

function splitLines(d: SplitDraft): Line[] {
  const lines: Line[] = [[seg('Where requests to ', 'muted'), seg(d.service, 'title'), seg(' go (VirtualService weights):', 'muted')], []]
  d.versions.forEach((v, i) => {
    const on = i === d.selected
    const filled = Math.round((d.weights[i]! / 100) * BAR)
    lines.push([
      seg(on ? ' ▸ ' : '   ', 'accent'),
      seg(fit(v, 4), on ? 'title' : 'plain'),
      seg('█'.repeat(filled), on ? 'accent' : 'trend'),
      seg('░'.repeat(BAR - filled), 'muted'),
      seg(fit(`${d.weights[i]}%`, 5, 'right'), on ? 'title' : 'plain'),
    ])
  })
  lines.push([], [seg('↑↓ version  ←→ -/+10%  1-3 all to one  enter apply  esc cancel', 'muted')])
  return lines
}
