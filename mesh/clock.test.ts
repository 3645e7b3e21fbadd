/**
 * The clocks honour delays of any length: Node's timers hold at most 2^31-1 ms and fire a longer one
 * after 1 ms (with a TimeoutOverflowWarning), so the system clock chains them. Fake timers for the
 * arithmetic; one short real-timer run for the warning, which fake timers do not emit.
 */
import { afterEach, describe, expect, test, vi } from 'vitest'
import { ManualClock, MAX_TIMER_MS, setLongTimeout, systemClock } from './clock.ts'

const LONG_MS = 2 ** 31 + 1000

/** Whether `p` has settled once pending callbacks have run. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false
  void p.then(() => (done = true), () => (done = true))
  await vi.advanceTimersByTimeAsync(0)
  return done
}

describe('systemClock with delays past 2^31-1 ms (fake timers)', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  test('sleep(2^31+1000) has not fired at 2^31-1 ms, fires at 2^31+1000 ms, and leaves no timer', async () => {
    vi.useFakeTimers()
    const slept = systemClock().sleep(LONG_MS)
    await vi.advanceTimersByTimeAsync(1)
    expect(await settled(slept)).toBe(false)
    await vi.advanceTimersByTimeAsync(MAX_TIMER_MS - 1)
    expect(await settled(slept)).toBe(false)
    await vi.advanceTimersByTimeAsync(LONG_MS - MAX_TIMER_MS - 1)
    expect(await settled(slept)).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(await settled(slept)).toBe(true)
    expect(vi.getTimerCount()).toBe(0)
  })

  test('an abort during a later link of the chain rejects and disarms it', async () => {
    vi.useFakeTimers()
    const abort = new AbortController()
    const slept = systemClock().sleep(3 * MAX_TIMER_MS, abort.signal)
    await vi.advanceTimersByTimeAsync(MAX_TIMER_MS + 5)
    expect(await settled(slept)).toBe(false)
    abort.abort(new Error('stop'))
    await expect(slept).rejects.toThrow('stop')
    expect(vi.getTimerCount()).toBe(0)
  })

  test('after() and every() chain too; disarming stops them', async () => {
    vi.useFakeTimers()
    const clock = systemClock()
    const fired: number[] = []
    const disarmAfter = clock.after(LONG_MS, () => fired.push(Date.now()))
    const start = Date.now()
    await vi.advanceTimersByTimeAsync(LONG_MS - 1)
    expect(fired).toEqual([])
    await vi.advanceTimersByTimeAsync(1)
    expect(fired).toEqual([start + LONG_MS])
    disarmAfter()

    let ticks = 0
    const stop = clock.every(LONG_MS, () => ticks++)
    await vi.advanceTimersByTimeAsync(1000)
    expect(ticks).toBe(0)
    await vi.advanceTimersByTimeAsync(2 * LONG_MS - 1000)
    expect(ticks).toBe(2)
    stop()
    expect(vi.getTimerCount()).toBe(0)
  })

  test('short, zero, negative and NaN delays behave as setTimeout does', async () => {
    vi.useFakeTimers()
    const calls: string[] = []
    setLongTimeout(10, () => calls.push('10'))
    setLongTimeout(0, () => calls.push('0'))
    setLongTimeout(-5, () => calls.push('-5'))
    setLongTimeout(Number.NaN, () => calls.push('NaN'))
    const never = setLongTimeout(Infinity, () => calls.push('Infinity'))
    await vi.advanceTimersByTimeAsync(1)
    expect(calls).toEqual(['0', '-5', 'NaN'])
    await vi.advanceTimersByTimeAsync(9)
    expect(calls).toEqual(['0', '-5', 'NaN', '10'])
    await vi.advanceTimersByTimeAsync(3 * MAX_TIMER_MS)
    expect(calls).toHaveLength(4)
    never()
    expect(vi.getTimerCount()).toBe(0)
  })
})

test('on real timers, a 2^31+1000 ms sleep neither fires early nor warns', async () => {
  const warnings: Error[] = []
  const onWarning = (w: Error) => warnings.push(w)
  process.on('warning', onWarning)
  try {
    const abort = new AbortController()
    let fired = false
    const slept = systemClock().sleep(LONG_MS, abort.signal).then(() => (fired = true), () => {})
    // An overflowing timer fires after 1 ms; give it several, and the warning its nextTick.
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(fired).toBe(false)
    abort.abort()
    await slept
    expect(warnings.map((w) => w.name)).not.toContain('TimeoutOverflowWarning')
  } finally {
    process.off('warning', onWarning)
  }
})

test('ManualClock counts any delay in virtual time', async () => {
  const clock = new ManualClock()
  let fired = false
  void clock.sleep(LONG_MS).then(() => (fired = true))
  await clock.advance(MAX_TIMER_MS)
  expect(fired).toBe(false)
  await clock.advance(LONG_MS - MAX_TIMER_MS)
  expect(fired).toBe(true)
  expect(clock.pendingTimers()).toBe(0)
})

test('epoch times come from the monotonic clock: sub-millisecond, and an earlier reading maps to an earlier time', () => {
  const clock = systemClock()
  const readings = Array.from({ length: 50 }, () => clock.now())
  const epochs = readings.map((t) => clock.epochAt(t))
  // Date.now() would give whole milliseconds; these carry the reading's fraction.
  expect(epochs.some((e) => !Number.isInteger(e))).toBe(true)
  for (let i = 1; i < epochs.length; i++) expect(epochs[i]! - epochs[i - 1]!).toBeCloseTo(readings[i]! - readings[i - 1]!, 3) // a double near 1.8e12 ms resolves 0.24 µs
  expect(Math.abs(clock.epochMs() - Date.now())).toBeLessThan(1000)
})

test('ManualClock maps virtual time to the epoch the same way every run', async () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 1))
  await clock.advance(1.25)
  expect(clock.epochMs()).toBe(Date.UTC(2026, 0, 1) + 1.25)
  expect(clock.epochAt(0.5)).toBe(Date.UTC(2026, 0, 1) + 0.5)
})
