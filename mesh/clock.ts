/** Time as a dependency: filters, toxics and the load generator never read the global clock directly. */

export interface Clock {
  /** Monotonic milliseconds (fractional), for durations. */
  now(): number
  /** Wall-clock milliseconds since the epoch, for timestamps in logs and spans. */
  epochMs(): number
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

/** The real clock: `performance.now()` and timers, for delays of any length (setLongTimeout). */
export function systemClock(): Clock {
  return {
    now: () => performance.now(),
    epochMs: () => Date.now(),
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
