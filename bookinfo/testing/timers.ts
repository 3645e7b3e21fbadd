/** Test support: watch one real timer of a given duration being armed and cleared, without waiting for it. */
import { vi } from 'vitest'

export interface WatchedTimer {
  /** Resolves when a timer of exactly `ms` is armed. */
  readonly armed: Promise<NodeJS.Timeout>
  /** Resolves when that timer is cleared (never, if it fires or leaks). */
  readonly cleared: Promise<void>
}

/** Spies on the global setTimeout/clearTimeout; undo with vi.restoreAllMocks(). */
export function watchTimer(ms: number): WatchedTimer {
  const realSetTimeout = globalThis.setTimeout as (...args: unknown[]) => NodeJS.Timeout
  const realClearTimeout = globalThis.clearTimeout
  let watched: NodeJS.Timeout | undefined
  let onArmed!: (timer: NodeJS.Timeout) => void
  let onCleared!: () => void
  const armed = new Promise<NodeJS.Timeout>((resolve) => { onArmed = resolve })
  const cleared = new Promise<void>((resolve) => { onCleared = resolve })
  vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, delay?: number, ...args: unknown[]) => {
    const timer = realSetTimeout(fn, delay, ...args)
    if (delay === ms && watched === undefined) onArmed((watched = timer))
    return timer
  }) as typeof setTimeout)
  vi.spyOn(globalThis, 'clearTimeout').mockImplementation((timer) => {
    realClearTimeout(timer)
    if (timer !== undefined && timer === watched) onCleared()
  })
  return { armed, cleared }
}
