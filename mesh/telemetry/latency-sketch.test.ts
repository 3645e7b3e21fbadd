import { describe, expect, test } from 'vitest'
import { LatencySketch } from './latency-sketch.ts'
import { sfc32 } from '../random.ts'

describe('latency sketch', () => {
  test('percentiles are within 1% of the exact ones', () => {
    const random = sfc32(3)
    const values = Array.from({ length: 10_000 }, () => Math.exp(random() * 8) * 0.05) // 0.05 ms … 150 ms
    const sketch = new LatencySketch()
    for (const v of values) sketch.record(v)
    const sorted = [...values].sort((a, b) => a - b)
    for (const p of [50, 90, 95, 99, 99.9]) {
      const exact = sorted[Math.ceil((p / 100) * sorted.length) - 1]!
      expect(Math.abs(sketch.percentile(p) - exact) / exact).toBeLessThan(0.011)
    }
  })

  test('merging two sketches equals recording everything in one', () => {
    const a = new LatencySketch()
    const b = new LatencySketch()
    const all = new LatencySketch()
    for (let i = 1; i <= 100; i++) {
      ;(i % 2 ? a : b).record(i)
      all.record(i)
    }
    a.add(b)
    expect(a.count).toBe(100)
    expect(a.percentiles([50, 99])).toEqual(all.percentiles([50, 99]))
  })

  test('empty and tiny values', () => {
    const s = new LatencySketch()
    expect(s.percentile(99)).toBe(0)
    s.record(0)
    expect(s.percentile(50)).toBe(0.001)
  })
})
