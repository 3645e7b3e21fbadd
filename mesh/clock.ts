/** Time as a dependency: filters, toxics and the load generator never read the global clock directly. */

export interface Clock {
  /** Monotonic milliseconds (fractional), for durations. */
  now(): number
  /**
   * Wall-clock milliseconds since the epoch, for timestamps in logs and spans: fractional, on the
   * same timeline as `now()` (it is `epochAt(now())`), so an interval's two ends agree to the µs.
   */
  epochMs(): number
  /** The wall-clock time of an earlier `now()` reading: a span's start and end come from one clock. */
  epochAt(monotonicMs: number): number
  /** Resolves after `ms`; rejects with `signal.reason` if aborted first. Its timer is cleared either way. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
  /**
   * Calls `fn` once after `ms` unless the returned function is called first. The per-request timer
   * (route and per-try timeouts): no promise, no AbortSignal, nothing left once disarmed.
   */
  after(ms: number, fn: () => void): () => void
  /** Calls `fn` every `ms` until the returned function is called. */
  every(ms: number, fn: () => void): () => void
}

/**
 * The longest delay `setTimeout` and `setInterval` honour: 2^31-1 ms, about 24.8 days. A longer one
 * fires after 1 ms with a TimeoutOverflowWarning, so a 2^31 ms latency toxic would let data through at
 * once. Toxiproxy's attributes are int64 milliseconds and Istio's durations go to years.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1

/**
 * Calls `fn` once after `ms` (any length, even Infinity: never) unless the returned function is called
 * first. A delay beyond MAX_TIMER_MS is a chain: arm the most Node allows, re-arm for the rest, fire
 * when none is left. Negative and NaN delays mean now, as for setTimeout.
 */
export function setLongTimeout(ms: number, fn: () => void, options: { unref?: boolean } = {}): () => void {
  let left = ms > 0 ? ms : 0
  let timer: ReturnType<typeof setTimeout>
  const arm = () => {
    const step = Math.min(left, MAX_TIMER_MS)
    left -= step
    timer = setTimeout(left > 0 ? arm : fn, step)
    if (options.unref) timer.unref?.()
  }
  arm()
  return () => clearTimeout(timer)
}

/** How far the wall clock may move away from the monotonic one (NTP steps, a suspended laptop) before epoch times follow it. */
const WALL_CLOCK_STEP_MS = 1000

/**
 * The real clock: `performance.now()` and timers, for delays of any length (setLongTimeout). Epoch
 * times are `performance.now()` plus an anchor taken from `Date.now()`: microsecond resolution, where
 * `Date.now()` has whole milliseconds (a span ending at a whole millisecond could end before its
 * child did). The anchor moves only when the wall clock steps by more than a second.
 */
export function systemClock(): Clock {
  let anchor = Date.now() - performance.now()
  const epochAt = (monotonicMs: number) => {
    const drift = Date.now() - (anchor + performance.now())
    if (drift > WALL_CLOCK_STEP_MS || drift < -WALL_CLOCK_STEP_MS) anchor += drift
    return anchor + monotonicMs
  }
  return {
    now: () => performance.now(),
    epochMs: () => epochAt(performance.now()),
    epochAt,
    sleep(ms, signal) {
      if (signal?.aborted) return Promise.reject(signal.reason)
      return new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          disarm()
          reject(signal!.reason)
        }
        const disarm = setLongTimeout(ms, () => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        })
        signal?.addEventListener('abort', onAbort, { once: true })
      })
    },
    after(ms, fn) {
      return setLongTimeout(ms, fn)
    },
    every(ms, fn) {
      if (ms <= MAX_TIMER_MS) {
        const timer = setInterval(fn, ms)
        timer.unref?.()
        return () => clearInterval(timer)
      }
      // setInterval would run it every millisecond: chain one long timeout after another instead.
      let disarm = () => {}
      const tick = () => {
        disarm = setLongTimeout(ms, tick, { unref: true })
        fn()
      }
      disarm = setLongTimeout(ms, tick, { unref: true })
      return () => disarm()
    },
  }
}

interface ManualTimer {
  at: number
  seq: number
  fire: () => void
  cancel: () => void
}

/**
 * Virtual time for tests: nothing happens until `advance()` is called.
 * `pendingTimers()` lets a test assert that nothing stays armed.
 */
export class ManualClock implements Clock {
  private current = 0
  private seq = 0
  private readonly timers = new Set<ManualTimer>()

  constructor(private readonly epochBase = Date.UTC(2026, 0, 1)) {}

  now(): number {
    return this.current
  }

  epochMs(): number {
    return this.epochBase + this.current
  }

  epochAt(monotonicMs: number): number {
    return this.epochBase + monotonicMs
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason)
    return new Promise<void>((resolve, reject) => {
      const timer: ManualTimer = {
        at: this.current + Math.max(0, ms),
        seq: this.seq++,
        fire: () => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        },
        cancel: () => this.timers.delete(timer),
      }
      const onAbort = () => {
        timer.cancel()
        reject(signal!.reason)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.timers.add(timer)
    })
  }

  after(ms: number, fn: () => void): () => void {
    const timer: ManualTimer = { at: this.current + Math.max(0, ms), seq: this.seq++, fire: fn, cancel: () => this.timers.delete(timer) }
    this.timers.add(timer)
    return () => timer.cancel()
  }

  every(ms: number, fn: () => void): () => void {
    let stopped = false
    const arm = () => {
      const timer: ManualTimer = {
        at: this.current + ms,
        seq: this.seq++,
        fire: () => {
          if (stopped) return
          fn()
          arm()
        },
        cancel: () => this.timers.delete(timer),
      }
      this.timers.add(timer)
      stop = () => {
        stopped = true
        timer.cancel()
      }
    }
    let stop = () => {}
    arm()
    return () => stop()
  }

  /** Moves time forward by `ms`, firing due timers in order and letting promise callbacks run between them. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms
    for (;;) {
      await flushMicrotasks()
      const next = [...this.timers].filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0]
      if (!next) break
      this.timers.delete(next)
      this.current = next.at
      next.fire()
    }
    this.current = target
    await flushMicrotasks()
  }

  pendingTimers(): number {
    return this.timers.size
  }
}

async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve()
}
