/** The bench's tie-break rule: two passes that disagree get a third. */
import { describe, expect, test } from 'vitest'
import { needsTieBreak } from './stats.ts'

describe('needsTieBreak', () => {
  test('two passes more than 15% apart need a third; closer ones, or any other count, do not', () => {
    expect(needsTieBreak([1000, 1200])).toBe(true)
    expect(needsTieBreak([1200, 1000])).toBe(true)
    expect(needsTieBreak([1000, 1100])).toBe(false)
    expect(needsTieBreak([1000])).toBe(false)
    expect(needsTieBreak([1000, 2000, 1500])).toBe(false)
  })
})
