/** AbortGroup: one listener on the parent, a signal per run, nothing left once runs settle. */
import { getEventListeners } from 'node:events'
import { expect, test } from 'vitest'
import { AbortGroup } from './abort-group.ts'

test('many runs share one listener on the parent; each run has its own signal, gone when it settles', async () => {
  const parent = new AbortController()
  const group = new AbortGroup(parent.signal)
  const releases: Array<() => void> = []
  const signals: AbortSignal[] = []
  const runs = Array.from({ length: 20 }, () =>
    group.run((signal) => {
      signals.push(signal)
      return new Promise<void>((resolve) => releases.push(resolve))
    }),
  )
  expect(getEventListeners(parent.signal, 'abort')).toHaveLength(1)
  expect(new Set(signals).size).toBe(20)
  expect(group.size).toBe(20)
  for (const release of releases) release()
  await Promise.all(runs)
  expect(group.size).toBe(0)
  group.close()
  expect(getEventListeners(parent.signal, 'abort')).toHaveLength(0)
})

test("the parent's abort reaches every run in flight with its reason, and runs after it start aborted", async () => {
  const parent = new AbortController()
  const group = new AbortGroup(parent.signal)
  const inFlight = group.run((signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true })))
  const reason = new Error('stopped')
  parent.abort(reason)
  await expect(inFlight).rejects.toBe(reason)
  expect(group.aborted).toBe(true)
  await expect(group.run(async (signal) => signal.reason)).resolves.toBe(reason)
  expect(getEventListeners(parent.signal, 'abort')).toHaveLength(0)
})

test('without a parent, abort() stops the runs; an already aborted parent aborts the group at once', async () => {
  const group = new AbortGroup()
  const inFlight = group.run((signal) => new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true })))
  group.abort()
  await expect(inFlight).resolves.toBeDefined()
  expect(new AbortGroup(AbortSignal.abort('early')).aborted).toBe(true)
})
