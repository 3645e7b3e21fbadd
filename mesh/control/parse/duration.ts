/**
 * Durations as Istio reads them: Go's time.ParseDuration syntax (`7s`, `0.5s`, `500ms`, `1m30s`, `1h`), then
 * Istio's ValidateDuration (at least 1 ms, whole milliseconds).
 */

import type { Reporter } from './reporter.ts'

const UNIT_NS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n, // U+00B5 micro sign
  'μs': 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
}
const MAX_NS = 2n ** 63n - 1n
const EXAMPLES = 'a duration like "7s", "0.5s", "500ms" or "1m30s"'

export type ParsedDuration = { readonly ok: true; readonly ns: bigint } | { readonly ok: false; readonly reason: string }

/** Go's time.ParseDuration: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`, or a bare `0`. */
export function parseGoDuration(text: string): ParsedDuration {
  let s = text
  let negative = false
  if (s.startsWith('-') || s.startsWith('+')) {
    negative = s.startsWith('-')
    s = s.slice(1)
  }
  if (s === '0') return { ok: true, ns: 0n }
  if (s === '') return { ok: false, reason: 'empty' }
  let total = 0n
  while (s !== '') {
    const m = /^(\d*)(?:\.(\d*))?/.exec(s)!
    const [consumed, whole = '', fraction] = m
    if (whole === '' && (fraction === undefined || fraction === '')) return { ok: false, reason: 'expected a number' }
    s = s.slice(consumed.length)
    const unitText = /^[^\d.]*/.exec(s)![0]
    if (unitText === '') return { ok: false, reason: 'missing unit' }
    const unit = UNIT_NS[unitText]
    if (unit === undefined) return { ok: false, reason: `unknown unit ${JSON.stringify(unitText)}` }
    s = s.slice(unitText.length)
    total += BigInt(whole || '0') * unit
    if (fraction) total += (BigInt(fraction) * unit) / 10n ** BigInt(fraction.length)
    if (total > MAX_NS) return { ok: false, reason: 'too large' }
  }
  return { ok: true, ns: negative ? -total : total }
}

/**
 * Reads a duration field into whole milliseconds. Reports MD0112 and returns undefined when the value is not
 * a Go duration string, is under 1 ms, or has sub-millisecond precision. `allowZero` is for the few fields
 * where Istio accepts `0s` (a cookie TTL).
 */
export function durationMs(v: unknown, field: string, r: Reporter, opts: { allowZero?: boolean } = {}): number | undefined {
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'string') {
    const why = typeof v === 'number' ? ' (a bare number has no unit)' : ''
    r.error('MD0112', field, `must be ${EXAMPLES}${why}`, v)
    return undefined
  }
  const parsed = parseGoDuration(v)
  if (!parsed.ok) {
    r.error('MD0112', field, `must be ${EXAMPLES} (${parsed.reason})`, v)
    return undefined
  }
  if (opts.allowZero && parsed.ns === 0n) return 0
  if (parsed.ns < 1_000_000n) {
    r.error('MD0112', field, 'must be at least 1ms', v)
    return undefined
  }
  if (parsed.ns % 1_000_000n !== 0n) {
    r.error('MD0112', field, 'must be a whole number of milliseconds (Istio supports ms precision only)', v)
    return undefined
  }
  return Number(parsed.ns / 1_000_000n)
}

/** A field Istio stores as a duration without its 1 ms rule: only the syntax is checked. */
export function durationSyntax(v: unknown, field: string, r: Reporter): void {
  if (v === undefined || v === null) return
  const parsed = typeof v === 'string' ? parseGoDuration(v) : { ok: false as const, reason: 'not a string' }
  if (!parsed.ok) r.error('MD0112', field, `must be ${EXAMPLES} (${parsed.reason})`, v)
}
