/** Units in scenario files: durations ("6s", "500ms"), shares (0.4 or "40%") and bounds on them, parsed and printed. */
import { parseGoDuration } from '../../mesh/control/index.ts'
import type { Bound } from './types.ts'

/** "1.5s" → 1500; undefined when not a Go duration. Sub-millisecond parts are kept as fractions. */
export function durationToMs(text: string): number | undefined {
  const parsed = parseGoDuration(text)
  if (!parsed.ok || parsed.ns < 0n) return undefined
  return Number(parsed.ns) / 1e6
}

/** 0.4 → 0.4; "40%" → 0.4; undefined when out of 0..1. */
export function shareValue(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.endsWith('%') ? Number(v.slice(0, -1)) / 100 : NaN
  return Number.isFinite(n) && n >= 0 && n <= 1 ? n : undefined
}

export type Unit = 'ms' | 'share' | 'count'

/** How a value of each unit reads in messages: `1.02 s`, `48%`, `12`. */
export function formatValue(v: number, unit: Unit): string {
  if (unit === 'share') return `${round(v * 100)}%`
  if (unit === 'ms') return v >= 1000 ? `${round(v / 1000, 2)} s` : `${round(v)} ms`
  return String(round(v, 2))
}

const round = (v: number, digits = 1) => {
  const f = 10 ** digits
  return String(Math.round(v * f) / f)
}

export function boundHolds(b: Bound, v: number): boolean {
  return (
    (b.above === undefined || v > b.above) &&
    (b.below === undefined || v < b.below) &&
    (b.atLeast === undefined || v >= b.atLeast) &&
    (b.atMost === undefined || v <= b.atMost) &&
    (b.equals === undefined || v === b.equals)
  )
}

/** `between 5.5 s and 6.5 s`, `below 3 s`, `at least 1` */
export function describeBound(b: Bound, unit: Unit): string {
  const f = (v: number) => formatValue(v, unit)
  const parts: string[] = []
  if (b.equals !== undefined) parts.push(`exactly ${f(b.equals)}`)
  if (b.atLeast !== undefined && b.atMost !== undefined) parts.push(`between ${f(b.atLeast)} and ${f(b.atMost)}`)
  else {
    if (b.atLeast !== undefined) parts.push(`at least ${f(b.atLeast)}`)
    if (b.atMost !== undefined) parts.push(`at most ${f(b.atMost)}`)
  }
  if (b.above !== undefined) parts.push(`above ${f(b.above)}`)
  if (b.below !== undefined) parts.push(`below ${f(b.below)}`)
  return parts.join(' and ')
}
