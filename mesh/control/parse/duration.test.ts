import { describe, expect, test } from 'vitest'
import { durationMs, parseGoDuration } from './duration.ts'
import { Reporter } from './reporter.ts'

const read = (v: unknown) => {
  const r = new Reporter(undefined)
  return { ms: durationMs(v, 'timeout', r), messages: r.diagnostics().map((d) => d.message) }
}

describe('durations, as Go time.ParseDuration + Istio ValidateDuration', () => {
  test.each([
    ['7s', 7000],
    ['0.5s', 500],
    ['1.5s', 1500],
    ['500ms', 500],
    ['3m', 180_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['1h2m3s4ms', 3_723_004],
    ['2000us', 2],
    ['1000000ns', 1],
    ['+1s', 1000],
    ['.5s', 500],
  ])('%s → %i ms', (text, ms) => {
    expect(read(text)).toEqual({ ms, messages: [] })
  })

  test.each([
    ['7', 'missing unit'],
    ['1.5', 'missing unit'],
    ['0.0001s', 'at least 1ms'],
    ['-1s', 'at least 1ms'],
    ['0', 'at least 1ms'],
    ['0s', 'at least 1ms'],
    ['1.5ms', 'whole number of milliseconds'],
    ['1 s', 'unknown unit'],
    ['5sec', 'unknown unit "sec"'],
    ['s', 'expected a number'],
    ['', 'empty'],
    ['99999999999h', 'too large'],
  ])('%j is rejected (%s)', (text, why) => {
    const { ms, messages } = read(text)
    expect(ms).toBeUndefined()
    expect(messages).toHaveLength(1)
    expect(messages[0]).toContain(why)
    expect(messages[0]).toContain(`got ${JSON.stringify(text)}`)
  })

  test('a YAML number is not a duration', () => {
    expect(read(7).messages).toEqual(['must be a duration like "7s", "0.5s", "500ms" or "1m30s" (a bare number has no unit), got 7'])
  })

  test('0s is allowed where a field asks for it (cookie TTL)', () => {
    const r = new Reporter(undefined)
    expect(durationMs('0s', 'ttl', r, { allowZero: true })).toBe(0)
  })

  test('parseGoDuration keeps nanoseconds exactly', () => {
    expect(parseGoDuration('1.000000001s')).toEqual({ ok: true, ns: 1_000_000_001n })
    expect(parseGoDuration('-1m')).toEqual({ ok: true, ns: -60_000_000_000n })
    expect(parseGoDuration('1µs')).toEqual({ ok: true, ns: 1000n })
  })
})
