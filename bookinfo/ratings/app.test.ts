import { afterEach, expect, test, vi } from 'vitest'
import { sfc32 } from '../../mesh/random.ts'
import { startApp, type RunningApp } from '../serve.ts'
import { call } from '../testing/http.ts'
import { watchTimer } from '../testing/timers.ts'
import { createRatings, type RatingsOptions } from './app.ts'

const open: RunningApp[] = []
afterEach(async () => {
  vi.restoreAllMocks()
  await Promise.all(open.splice(0).map((app) => app.close()))
})
async function ratings(opts: RatingsOptions = {}): Promise<RunningApp> {
  const running = await startApp(createRatings(opts))
  open.push(running)
  return running
}

test('GET, health and bad ids', async () => {
  const app = await ratings()
  expect((await call(`${app.url}/ratings/0`)).text).toBe('{"id":0,"ratings":{"Reviewer1":5,"Reviewer2":4}}')
  expect((await call(`${app.url}/health`)).text).toBe('{"status":"Ratings is healthy"}')
  const bad = await call(`${app.url}/ratings/abc`)
  expect(bad.status).toBe(400)
  expect(bad.text).toBe('{"error":"please provide numeric product ID"}')
})

test('POST stores per app instance, and rejects invalid JSON', async () => {
  const app = await ratings()
  const posted = await call(`${app.url}/ratings/3`, { method: 'POST', body: '{"Reviewer1":1,"Reviewer2":2}' })
  expect(posted.status).toBe(200)
  expect(posted.json()).toEqual({ id: 3, ratings: { Reviewer1: 1, Reviewer2: 2 } })
  expect((await call(`${app.url}/ratings/3`)).json()).toEqual({ id: 3, ratings: { Reviewer1: 1, Reviewer2: 2 } })
  expect((await call(`${app.url}/ratings/0`)).json()).toEqual({ id: 0, ratings: { Reviewer1: 5, Reviewer2: 4 } })

  const other = await ratings()
  expect((await call(`${other.url}/ratings/3`)).json()).toMatchObject({ ratings: { Reviewer1: 5 } })

  const invalid = await call(`${app.url}/ratings/3`, { method: 'POST', body: '{nope' })
  expect(invalid.status).toBe(400)
  expect(invalid.json()).toEqual({ error: 'please provide valid ratings JSON' })
})

test('faulty: a seeded stream gives the same mix of 200 and 503 every run', async () => {
  const statuses = async () => {
    const app = await ratings({ variant: 'faulty', random: sfc32(42) })
    const out: number[] = []
    for (let i = 0; i < 12; i++) out.push((await call(`${app.url}/ratings/0`)).status)
    return out
  }
  const first = await statuses()
  expect(first).toContain(200)
  expect(first).toContain(503)
  expect(await statuses()).toEqual(first)
})

test('faulty 503 body, and the draw decides it (<= 0.5 is a fault)', async () => {
  const draws = [0.5, 0.51]
  const app = await ratings({ variant: 'faulty', random: () => draws.shift()! })
  const fault = await call(`${app.url}/ratings/0`)
  expect(fault.status).toBe(503)
  expect(fault.text).toBe('{"error":"Service unavailable"}')
  expect((await call(`${app.url}/ratings/0`)).status).toBe(200)
})

test('unavailable: always 503, or toggling from available when a period is given', async () => {
  const app = await ratings({ variant: 'unavailable' })
  expect((await call(`${app.url}/ratings/0`)).status).toBe(503)
  expect((await call(`${app.url}/health`)).status).toBe(200)

  let now = 0
  const toggling = await ratings({ variant: 'unavailable', unavailableToggleMs: 60_000, now: () => now })
  expect((await call(`${toggling.url}/ratings/0`)).status).toBe(200)
  now = 60_000
  expect((await call(`${toggling.url}/ratings/0`)).status).toBe(503)
  now = 120_000
  expect((await call(`${toggling.url}/ratings/0`)).status).toBe(200)
})

test('delayed: an undrawn request answers at once', async () => {
  const app = await ratings({ variant: 'delayed', random: () => 0.9 })
  expect((await call(`${app.url}/ratings/0`)).status).toBe(200)
})

test('delayed: the 7 s timer is cleared when the server closes under it', async () => {
  const timer = watchTimer(7_000)
  const app = await ratings({ variant: 'delayed', random: () => 0 })
  const pending = call(`${app.url}/ratings/0`)
  await timer.armed
  await app.close()
  await expect(pending).rejects.toThrow()
  await timer.cleared
})
