/**
 * Styled text without a terminal: a line is a list of segments, each with a tone (what it means,
 * not how it looks). The blessed renderer maps tones to colours; `--plain` drops them. Widths are
 * counted in code points, which is what both terminals and blessed do for the characters we use
 * (box drawing, arrows, block elements; no emoji, whose width blessed 0.1.81 gets wrong).
 */

export type Tone =
  | 'plain'
  | 'muted'
  | 'title'
  | 'accent'
  | 'code'
  | 'key'
  | 'healthy'
  | 'degraded'
  | 'failing'
  | 'idle'
  | 'fault'
  | 'mirror'
  | 'breaker'
  | 'toxic'
  | 'secure'
  | 'error'
  | 'trend'

export interface Segment {
  readonly text: string
  readonly tone: Tone
}

export type Line = readonly Segment[]

export const seg = (text: string, tone: Tone = 'plain'): Segment => ({ text, tone })

/** Display width in columns (one per code point for the characters the dashboard draws). */
export const width = (text: string): number => {
  let n = 0
  for (const _ of text) n++
  return n
}

export const lineText = (line: Line): string => line.map((s) => s.text).join('')

export const lineWidth = (line: Line): number => line.reduce((n, s) => n + width(s.text), 0)

/** Cuts `text` to `max` columns, ending with `…` when something was cut. */
export function truncate(text: string, max: number): string {
  if (max <= 0) return ''
  const chars = [...text]
  if (chars.length <= max) return text
  return max === 1 ? '…' : `${chars.slice(0, max - 1).join('')}…`
}

/** `text` padded (or cut) to exactly `n` columns; `right` aligns numbers. */
export function fit(text: string, n: number, align: 'left' | 'right' = 'left'): string {
  const cut = truncate(text, n)
  const pad = ' '.repeat(Math.max(0, n - width(cut)))
  return align === 'left' ? cut + pad : pad + cut
}

/** The line cut to `max` columns (the last kept segment ends with `…` if anything was lost). */
export function clipLine(line: Line, max: number): Segment[] {
  const out: Segment[] = []
  let left = max
  for (const s of line) {
    const w = width(s.text)
    if (w <= left) {
      out.push(s)
      left -= w
      continue
    }
    if (left > 0) out.push({ text: truncate(s.text, left), tone: s.tone })
    break
  }
  return out
}

/**
 * The line broken into lines of at most `max` columns, at spaces where possible; continuation lines
 * start with `indent` spaces. Tones are kept across the breaks.
 */
export function wrapLine(line: Line, max: number, indent = 0): Segment[][] {
  if (max <= indent + 1 || lineWidth(line) <= max) return [clipLine(line, Math.max(1, max))]
  const chars: { ch: string; tone: Tone }[] = []
  for (const s of line) for (const ch of s.text) chars.push({ ch, tone: s.tone })
  const out: Segment[][] = []
  let at = 0
  let room = max
  while (at < chars.length) {
    let end = Math.min(chars.length, at + room)
    if (end < chars.length) {
      let space = end
      while (space > at && chars[space]!.ch !== ' ') space--
      if (space > at) end = space
    }
    const piece = chars.slice(at, end)
    const prefix = out.length ? [{ ch: ' '.repeat(indent), tone: 'plain' as Tone }] : []
    out.push(merge([...prefix, ...piece]))
    at = end
    while (at < chars.length && chars[at]!.ch === ' ') at++
    room = max - indent
  }
  return out
}

function merge(chars: readonly { ch: string; tone: Tone }[]): Segment[] {
  const out: Segment[] = []
  for (const c of chars) {
    const last = out[out.length - 1]
    if (last && last.tone === c.tone) out[out.length - 1] = { text: last.text + c.ch, tone: c.tone }
    else out.push({ text: c.ch, tone: c.tone })
  }
  return out
}
