/** The warm-up's stopping rule. */
import { describe, expect, test } from 'vitest'
import { isSteady } from './settle.ts'

const policy = { stepS: 1, minS: 3, maxS: 20, gain: 0.1 }

describe('isSteady', () => {
  test('a cold start keeps warming while each step beats the best before it by more than 10%', () => {
    expect(isSteady([2140], 1, policy)).toBe(false)
    expect(isSteady([2140, 734], 2, policy)).toBe(false)
    expect(isSteady([2140, 734, 362], 3, policy)).toBe(false)
    expect(isSteady([2140, 734, 362, 302], 4, policy)).toBe(false)
    expect(isSteady([2140, 734, 362, 302, 318], 5, policy)).toBe(true)
  })

  test('a gain of 10% or less, or a worse step, counts as steady once the minimum time has passed', () => {
    expect(isSteady([300, 280], 3, policy)).toBe(true)
    expect(isSteady([300, 350], 3, policy)).toBe(true)
    expect(isSteady([300, 350], 2, policy)).toBe(false)
    expect(isSteady([300, 260], 3, policy)).toBe(false)
  })
})
