/**
 * Tones → blessed tags: Kiali's health colours (green / orange-ish yellow / red), grey for idle and
 * secondary text, one colour per badge family. Text is escaped so `{` in a path or YAML stays text.
 */
import type { Line, Tone } from './segments.ts'

const OPEN: Readonly<Record<Tone, string>> = {
  plain: '',
  muted: '{gray-fg}',
  title: '{bold}',
  accent: '{cyan-fg}',
  code: '{cyan-fg}',
  key: '{bold}{cyan-fg}',
  healthy: '{green-fg}',
  degraded: '{yellow-fg}',
  failing: '{bold}{red-fg}',
  idle: '{gray-fg}',
  fault: '{bold}{magenta-fg}',
  mirror: '{light-blue-fg}',
  breaker: '{bold}{red-fg}',
  toxic: '{bold}{yellow-fg}',
  secure: '{bold}{green-fg}',
  error: '{red-fg}',
  trend: '{light-blue-fg}',
}

export const escapeTags = (text: string): string => text.replace(/[{}]/g, (c) => (c === '{' ? '{open}' : '{close}'))

export function toTags(line: Line): string {
  return line.map((s) => (OPEN[s.tone] ? `${OPEN[s.tone]}${escapeTags(s.text)}{/}` : escapeTags(s.text))).join('')
}

export const linesToTags = (lines: readonly Line[]): string => lines.map(toTags).join('\n')
