import { describe, expect, test } from 'vitest'
import { boundHolds, describeBound, durationToMs, formatValue, shareValue } from './units.ts'

describe('scenario units', () => {
  test.each([
    ['6s', 6000],
    ['500ms', 500],
    ['1.5s', 1500],
    ['1m30s', 90_000],
    ['6 seconds', undefined],
  ])('duration %s → %s ms', (text, ms) => expect(durationToMs(text)).toBe(ms))

  test.each([
    [0.4, 0.4],
    ['40%', 0.4],
    ['100%', 1],
    ['140%', undefined],
    [2, undefined],
  ])('share %s → %s', (v, share) => expect(shareValue(v)).toBe(share))

  test('bounds: inclusive between, strict above/below, described in the unit', () => {
    const b = { atLeast: 5500, atMost: 6500 }
    expect(boundHolds(b, 5500)).toBe(true)
    expect(boundHolds(b, 6501)).toBe(false)
    expect(boundHolds({ below: 3000 }, 3000)).toBe(false)
    expect(describeBound(b, 'ms')).toBe('between 5.5 s and 6.5 s')
    expect(describeBound({ above: 0.4 }, 'share')).toBe('above 40%')
    expect(formatValue(1020, 'ms')).toBe('1.02 s')
    expect(formatValue(40.7, 'ms')).toBe('40.7 ms')
  })
})
