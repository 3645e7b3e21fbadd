import { describe, expect, test } from 'vitest'
import { MetricHistory } from './metric-history.ts'
import { sparkline } from './sparkline.ts'
import { snapshot, workloadStat } from './test-fixtures.ts'

describe('sparkline', () => {
  test('scales to the largest value, newest sample in the last column', () => {
    expect(sparkline([0, 1, 2, 4, 8], 5)).toBe('▁▂▃▅█')
    expect(sparkline([8, 4, 2, 1, 0], 5)).toBe('█▅▃▂▁')
  })

  test('pads missing history with blanks on the left and keeps only the newest values', () => {
    expect(sparkline([5], 4)).toBe('   █')
    expect(sparkline([1, 1, 1, 1, 9], 2)).toBe('▂█')
  })

  test('flat zero is the lowest bar; a fixed max scales against it', () => {
    expect(sparkline([0, 0, 0], 3)).toBe('▁▁▁')
    expect(sparkline([5, 10], 2, 20)).toBe('▃▅')
    expect(sparkline([1], 0)).toBe('')
  })
})

describe('MetricHistory', () => {
  test('one sample per workload per tick, bounded, idle counts as 0, gone workloads dropped', () => {
    const h = new MetricHistory(3)
    for (const rps of [1, 2, 3, 4]) h.record(['a', 'b'], snapshot([workloadStat('a', { rps, p99Ms: rps * 10 })]))
    expect(h.of('a')).toEqual({ rps: [2, 3, 4], p99Ms: [20, 30, 40] })
    expect(h.of('b').rps).toEqual([0, 0, 0])
    h.record(['a'], snapshot([workloadStat('a', { requests: 0 })]))
    expect(h.of('a').rps).toEqual([3, 4, 0])
    expect(h.of('b').rps).toEqual([])
  })
})
