/** Styled lines for the header, footer, config, tap, applied-config and lesson panels, for a given width. */
import type { KeyHint } from './key-map.ts'
import { clipLine, fit, lineWidth, seg, wrapLine, width as textWidth, type Line, type Segment, type Tone } from './segments.ts'
import type { ConfigLine, HeaderView, LessonView, TapView } from './view-types.ts'
import { healthTone } from './workload-lines.ts'

/** Two lines: what to open in a browser, the load and seed; then the admin and Toxiproxy addresses. Compact when narrow. */
export function headerLines(h: HeaderView, width: number): Line[] {
  const load = h.load ? `${h.load.rps} rps as ${h.load.user}` : 'off'
  const wide = (gap: string, label: boolean): Segment[] => [
    seg(' meshdojo ', 'title'),
    seg(`${gap}${label ? 'Bookinfo ' : ''}`, 'muted'),
    seg(h.bookinfoUrl, 'accent'),
    seg(`${gap}load `, 'muted'),
    seg(load),
    seg(`${gap}seed `, 'muted'),
    seg(String(h.seed)),
  ]
  const clock = `${h.time} `
  const first = [wide('  ', true), wide(' ', false)].find((l) => lineWidth(l) <= width) ?? wide(' ', false)
  const pad = width - lineWidth(first) - textWidth(clock)
  const line1 = pad >= 1 ? [...first, seg(' '.repeat(pad)), seg(clock, 'muted')] : clipLine(first, width)
  const second = (indent: string, gap: string): Segment[] => [
    seg(indent),
    ...(h.adminUrl ? [seg('admin ', 'muted'), seg(h.adminUrl, 'accent'), seg(gap)] : []),
    seg('toxiproxy ', 'muted'),
    seg(h.toxiproxyUrl ?? 'off', h.toxiproxyUrl ? 'accent' : 'muted'),
    seg(`${gap}config `, 'muted'),
    seg(`v${h.configVersion}`),
  ]
  const line2 = [second('           ', '  '), second(' ', '  ')].find((l) => lineWidth(l) <= width) ?? clipLine(second(' ', ' '), width)
  return [line1, line2]
}

/** Key hints (`? help  f fault …`), cut to the width. */
export function hintLine(hints: readonly KeyHint[], width: number): Line {
  const out: Segment[] = [seg(' ')]
  for (const h of hints) out.push(seg(h.key, 'key'), seg(` ${h.label}  `, 'muted'))
  return clipLine(out, width)
}

export function statusLine(text: string, error: boolean, width: number): Line {
  return clipLine([seg(error ? ' ✘ ' : ' ✔ ', error ? 'error' : 'healthy'), seg(text, error ? 'error' : 'plain')], width)
}

export function promptLine(prompt: string, text: string, width: number, note?: string): Line {
  const line: Segment[] = [seg(` ${prompt}`, 'key'), seg(text), seg('█', 'accent')]
  if (note) line.push(seg(`   ${note}`, 'muted'))
  return clipLine(line, width)
}

const KIND_TONE: Readonly<Record<ConfigLine['kind'], Tone>> = { VS: 'accent', DR: 'trend', GW: 'muted', toxic: 'toxic' }

export function configLines(lines: readonly ConfigLine[], width: number): Line[] {
  if (lines.length === 0) return [[seg('no config applied', 'muted')]]
  return lines.flatMap((l) => wrapLine([seg(l.kind, KIND_TONE[l.kind]), seg(` ${l.name}`, 'title'), seg(`: ${l.summary}`)], width, 4))
}

export function tapLines(tap: TapView, width: number): Line[] {
  if (tap.lines.length === 0) return [[seg(tap.filter ? `nothing matches /${tap.filter}` : 'waiting for requests…', 'muted')]]
  const src = Math.min(16, Math.max(...tap.lines.map((l) => textWidth(l.source))))
  const dst = Math.min(24, Math.max(...tap.lines.map((l) => textWidth(l.destination + (l.mirrored ? ' (mirror)' : '')))))
  const flags = Math.min(10, Math.max(1, ...tap.lines.map((l) => textWidth(l.flags))))
  return tap.lines.map((l) => {
    const flagTone: Tone = l.flags === '-' ? 'muted' : /FI|DI/.test(l.flags) ? 'fault' : /UO|UH/.test(l.flags) ? 'breaker' : 'error'
    const line: Segment[] = [
      seg(`${l.time} `, 'muted'),
      seg(fit(l.source, src)),
      seg(' → ', 'muted'),
      seg(fit(l.destination + (l.mirrored ? ' (mirror)' : ''), dst), l.mirrored ? 'mirror' : 'plain'),
      seg(` ${fit(String(l.status), 3)} `, l.health === 'failing' ? 'failing' : l.status >= 400 ? 'degraded' : 'healthy'),
      seg(fit(l.flags, flags), flagTone),
      seg(fit(`${l.durationMs}ms`, 7, 'right')),
      ...(l.user ? [seg(` ${fit(l.user, 5)}`, 'accent')] : [seg('      ')]),
      seg(` ${l.method === 'GET' ? '' : `${l.method} `}`, 'muted'),
      seg(l.path),
    ]
    return clipLine(line, width)
  })
}

/** The last change: a title, then the YAML or API call behind it, with YAML keys in a colour. */
export function appliedLines(note: { title: string; text: string; error: boolean } | undefined, width: number): Line[] {
  if (!note) return wrapLine([seg('Changes made here (keys f s m t r, or :commands) show the Istio YAML or the Toxiproxy call behind them.', 'muted')], width)
  const title = wrapLine([seg(note.error ? '✘ ' : '✔ ', note.error ? 'error' : 'healthy'), seg(note.title, note.error ? 'error' : 'title')], width, 2)
  return [...title, ...yamlLines(note.text, width, note.error)]
}

export function yamlLines(text: string, width: number, error = false): Line[] {
  return text
    .replace(/\n+$/, '')
    .split('\n')
    .flatMap((l) => {
      if (error) return wrapLine([seg(l, 'error')], width, 2)
      if (/^\s*#/.test(l)) return wrapLine([seg(l, 'muted')], width, 2)
      if (l === '---') return [[seg(l, 'muted')]]
      const m = /^(\s*(?:- )?)([\w.-]+:)(.*)$/.exec(l)
      return wrapLine(m ? [seg(m[1]!), seg(m[2]!, 'code'), seg(m[3]!)] : [seg(l)], width, 2)
    })
}

/** The lesson panel: title and step, the step's text, hints, the last check, what is running, what was applied, the keys. */
export function lessonLines(l: LessonView, width: number, keys: string): Line[] {
  const wrap = (line: Line, indent = 0) => wrapLine(line, width, indent)
  const parts: Line[][] = [
    [...wrap([seg(l.title, 'title')]), ...wrap([seg(l.progress, 'accent'), seg('  '), seg(l.stepTitle, 'title')], 2)],
    l.text.flatMap((t) => wrap(t, 2)),
    l.hints.flatMap((h, i) => wrap([seg(`hint ${i + 1}: `, 'degraded'), seg(h)], 2)),
  ]
  if (l.checks.length) {
    const checks = wrap([seg(l.checkPassed ? '✔ check passed' : '✘ check failed', l.checkPassed ? 'healthy' : 'failing')])
    for (const c of l.checks) {
      checks.push(...wrap([seg(c.passed ? '✔ ' : '✘ ', c.passed ? 'healthy' : 'failing'), seg(c.description)], 2))
      if (c.detail) checks.push(...wrap([seg(`  ${c.detail}`, 'muted')], 4))
    }
    parts.push(checks)
  }
  if (l.busy) parts.push(wrap([seg('⟳ ', 'accent'), seg(l.busy, 'accent')]))
  if (l.lastApplied) parts.push([...wrap([seg('applied:', 'muted')]), ...yamlLines(l.lastApplied, width)])
  parts.push(wrap([seg(keys, 'muted')]))
  return parts.filter((p) => p.length).flatMap((p, i) => (i ? [[], ...p] : p))
}

/** Centered lines for a terminal below 80×24. */
export function tooSmallLines(cols: number, rows: number): Line[] {
  return [
    [seg('meshdojo needs a terminal of at least 80×24', 'title')],
    [seg(`this one is ${cols}×${rows}: make it larger, or run with --plain`, 'muted')],
    [seg('q quits', 'key')],
  ]
}
