import { describe, expect, test } from 'vitest'
import { RollingWindow } from './rolling-window.ts'

describe('rolling window', () => {
  const t0 = Date.UTC(2026, 0, 1)

  test('counts, success rate (5xx and no response fail), codes, flags and percentiles', () => {
    const w = new RollingWindow()
    for (let i = 1; i <= 100; i++) w.record(t0 + i * 50, i <= 90 ? 200 : 503, i, i <= 90 ? '-' : 'UF')
    w.record(t0 + 5_000, 0, 1, 'DC')
    const s = w.summary(t0 + 5_000, 10)
    expect(s.requests).toBe(101)
    expect(s.successRate).toBeCloseTo(90 / 101)
    expect(s.codes).toEqual({ 200: 90, 503: 10, 0: 1 })
    expect(s.flags).toEqual({ '-': 90, UF: 10, DC: 1 })
    expect(s.p50Ms).toBeGreaterThan(48)
    expect(s.p50Ms).toBeLessThan(52)
    expect(s.p99Ms).toBeGreaterThan(97)
  })

  test('RPS is over the window, or over the traffic\'s life when that is shorter', () => {
    const w = new RollingWindow()
    for (let i = 0; i < 20; i++) w.record(t0 + i * 100, 200, 1, '-')
    expect(w.summary(t0 + 2_000, 10).rps).toBeCloseTo(10)
    expect(w.summary(t0 + 9_500, 10).rps).toBeCloseTo(20 / 9.5)
  })

  test('old seconds leave the window', () => {
    const w = new RollingWindow()
    w.record(t0, 200, 1, '-')
    w.record(t0 + 30_000, 200, 1, '-')
    expect(w.summary(t0 + 30_000, 10).requests).toBe(1)
    expect(w.summary(t0 + 30_000, 60).requests).toBe(2)
  })
})
