import { describe, expect, test } from 'vitest'
import { ManualClock } from '../clock.ts'
import { OutlierDetector } from './outlier-detection.ts'
import { Counters } from '../telemetry/counters.ts'

describe('outlier detection', () => {
  test('ejects after consecutive 5xx, for baseEjectionTime, brought back by the interval sweep', async () => {
    const clock = new ManualClock()
    const counters = new Counters()
    const d = new OutlierDetector({ consecutive5xxErrors: 2, intervalMs: 1000, baseEjectionTimeMs: 3000, maxEjectionPercent: 100 }, clock, () => 2, counters)
    d.observe('a', { status: 503 })
    expect(d.isEjected('a')).toBe(false)
    d.observe('a', { status: 500 })
    expect(d.isEjected('a')).toBe(true)
    expect(counters.get('outlier_detection.ejections_enforced_total')).toBe(1)
    await clock.advance(2999)
    expect(d.isEjected('a')).toBe(true)
    await clock.advance(1001)
    expect(d.isEjected('a')).toBe(false)
    d.close()
    expect(clock.pendingTimers()).toBe(0)
  })

  test('a success resets the count; connect failures count as 5xx', () => {
    const clock = new ManualClock()
    const d = new OutlierDetector({ consecutive5xxErrors: 2, maxEjectionPercent: 100 }, clock, () => 2)
    d.observe('a', { failure: true })
    d.observe('a', { status: 200 })
    d.observe('a', { status: 503 })
    expect(d.isEjected('a')).toBe(false)
    d.observe('a', { failure: true })
    expect(d.isEjected('a')).toBe(true)
    d.close()
  })

  test('ejection time grows with each ejection', async () => {
    const clock = new ManualClock()
    const d = new OutlierDetector({ consecutive5xxErrors: 1, intervalMs: 100, baseEjectionTimeMs: 1000, maxEjectionPercent: 100 }, clock, () => 1)
    d.observe('a', { status: 500 })
    await clock.advance(1000)
    expect(d.isEjected('a')).toBe(false)
    d.observe('a', { status: 500 })
    await clock.advance(1000)
    expect(d.isEjected('a')).toBe(true) // second ejection lasts 2 × base
    await clock.advance(1000)
    expect(d.isEjected('a')).toBe(false)
    d.close()
  })

  test('maxEjectionPercent limits ejections but one host can always go', () => {
    const d = new OutlierDetector({ consecutive5xxErrors: 1, maxEjectionPercent: 10 }, new ManualClock(), () => 3)
    d.observe('a', { status: 500 })
    d.observe('b', { status: 500 })
    expect(d.ejectedCount()).toBe(1)
    d.close()
  })

  test('consecutiveGatewayErrors counts only 502, 503 and 504', () => {
    const d = new OutlierDetector({ consecutive5xxErrors: 0, consecutiveGatewayErrors: 2, maxEjectionPercent: 100 }, new ManualClock(), () => 2)
    d.observe('a', { status: 500 })
    d.observe('a', { status: 500 })
    expect(d.isEjected('a')).toBe(false)
    d.observe('a', { status: 502 })
    d.observe('a', { status: 504 })
    expect(d.isEjected('a')).toBe(true)
    d.close()
  })
})
