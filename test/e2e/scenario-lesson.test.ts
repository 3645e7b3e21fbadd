/**
 * A scenario as a lesson: the LessonController (next / check / hint / solve) driven by hand, and
 * `meshdojo workshop` in text mode driven by keys, with the learner's own `apply` through the admin
 * API being what the check sees.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { scenarioLoader } from '../../sim/scenario/load-scenario.ts'
import { startScenarioSession, type ScenarioSession } from '../../sim/scenario/session.ts'
import type { Scenario } from '../../sim/scenario/types.ts'
import type { LessonController, LessonState } from '../../sim/workshop/lesson-contract.ts'
import { createLessonController } from '../../sim/workshop/lesson-controller.ts'
import { runWorkshop } from '../../sim/workshop/workshop-command.ts'
import { captureIO, type CapturedIO } from '../support/cli-io.ts'
import { eventually } from '../support/mesh.ts'
import { sample } from '../support/samples.ts'

const SAMPLES = fileURLToPath(new URL('../../samples/istio/', import.meta.url))
const STARS = 'glyphicon glyphicon-star'
let file: string
let scenario: Scenario

beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'meshdojo-lesson-'))
  file = join(dir, 'routing-lesson.yaml')
  writeFileSync(
    file,
    `name: routing-lesson
title: Routing, as a lesson
summary: Two steps of request routing.
seed: 42
steps:
  - title: Everyone on v1
    text: Route every service to v1.
    actions:
      apply: ${join(SAMPLES, 'destination-rule-all.yaml')}
    solve:
      apply: ${join(SAMPLES, 'virtual-service-all-v1.yaml')}
    traffic: { requests: 6 }
    expect:
      - page: { notContains: ${STARS} }
    hints: [A VirtualService per service., samples/istio has one file for all four.]
  - title: jason on v2
    text: Route jason to v2.
    solve:
      apply: ${join(SAMPLES, 'virtual-service-reviews-test-v2.yaml')}
    traffic: { requests: 3, user: jason }
    expect:
      - page: { user: jason, contains: ${STARS} }
    hints: [Match the end-user header.]
`,
  )
  scenario = scenarioLoader().load(file)
})

describe('LessonController', () => {
  let lesson: LessonController
  let session: ScenarioSession
  const seen: LessonState[] = []
  beforeAll(async () => {
    session = await startScenarioSession(scenario)
    lesson = createLessonController(session)
    lesson.onChange(() => seen.push(lesson.state()))
  })
  afterAll(() => lesson.close())

  test('before the first step: the summary, nothing to check or solve', async () => {
    expect(lesson.state()).toMatchObject({ scenario: { name: 'routing-lesson' }, stepIndex: -1, stepCount: 2, finished: false, hintsLeft: 0 })
    expect(lesson.state().step.text).toContain('Two steps of request routing.')
    await lesson.check()
    lesson.hint()
    expect(lesson.state().lastCheck).toBeUndefined()
  })

  test('next runs the step\'s actions; check fails until the task is done; hints one at a time; solve does the task', async () => {
    await lesson.next()
    expect(lesson.state()).toMatchObject({ stepIndex: 0, step: { title: 'Everyone on v1' }, hintsShown: [], hintsLeft: 2 })
    expect(lesson.state().lastApplied).toContain('kind: DestinationRule')

    await lesson.check()
    const failed = lesson.state().lastCheck!
    expect(failed.passed).toBe(false)
    expect(failed.results[0]!.detail).toMatch(/^[1-6] of 6 pages from \/productpage contain "glyphicon glyphicon-star"; expected none$/)
    expect(seen.some((s) => s.busy === 'sending 6 requests to /productpage as anonymous…')).toBe(true)
    expect(lesson.state().busy).toBeUndefined()

    lesson.hint()
    expect(lesson.state()).toMatchObject({ hintsShown: ['A VirtualService per service.'], hintsLeft: 1 })
    lesson.hint()
    lesson.hint()
    expect(lesson.state()).toMatchObject({ hintsShown: ['A VirtualService per service.', 'samples/istio has one file for all four.'], hintsLeft: 0 })

    await lesson.solve()
    expect(lesson.state().lastApplied).toBe(sample('virtual-service-all-v1.yaml').trimEnd())
    await lesson.check()
    expect(lesson.state().lastCheck).toMatchObject({ passed: true, results: [{ passed: true, detail: '0 of 6 pages from /productpage contain "glyphicon glyphicon-star"; expected none' }] })
  })

  test('a change the learner made by hand is what the check sees; past the last step the lesson is finished', async () => {
    await lesson.next()
    expect(lesson.state()).toMatchObject({ stepIndex: 1, hintsShown: [], hintsLeft: 1, lastCheck: undefined })
    await lesson.check()
    expect(lesson.state().lastCheck!.passed).toBe(false)
    session.mesh.config.applyText(sample('virtual-service-reviews-test-v2.yaml'), 'by-hand.yaml') // what `meshdojo apply` does
    await lesson.check()
    expect(lesson.state().lastCheck!.passed).toBe(true)

    await lesson.next()
    expect(lesson.state()).toMatchObject({ finished: true, step: { title: 'Lesson complete' } })
    expect(lesson.state().step.text).toContain('- ✔ Everyone on v1\n- ✔ jason on v2')
    await lesson.next()
    expect(lesson.state().finished).toBe(true)
  })

  test('calls are queued: a check pressed during another waits for it', async () => {
    const queued = createLessonController(await startScenarioSession(scenario))
    try {
      const order: string[] = []
      await Promise.all([queued.next().then(() => order.push('next')), queued.check().then(() => order.push('check')), queued.solve().then(() => order.push('solve'))])
      expect(order).toEqual(['next', 'check', 'solve'])
      expect(queued.state().lastCheck!.passed).toBe(false) // checked before the solve ran
    } finally {
      await queued.close()
    }
  })
})

describe('meshdojo workshop (text mode)', () => {
  async function until(io: CapturedIO, pattern: RegExp, what: string): Promise<RegExpMatchArray> {
    return eventually(() => io.out.join('\n').match(pattern) ?? undefined, what, 20_000)
  }
  const flags = ['--port', '0', '--admin-port', '0', '--toxiproxy-port', '0', '--no-load', '--plain']

  test('keys drive the lesson; `apply` through the admin API is checked', async () => {
    const io = captureIO()
    const keys = new PassThrough()
    const done = runWorkshop([file, ...flags], io, keys)
    const [, admin] = await until(io, /admin (http:\/\/127\.0\.0\.1:\d+)/, 'the ready line')
    expect(io.out.join('\n')).toContain('━━ Routing, as a lesson (routing-lesson) ━━')

    keys.write('n\n')
    await until(io, /━━ Everyone on v1 \(routing-lesson · step 1\/2\) ━━/, 'step 1')
    keys.write('c\n')
    await until(io, /✘ Not yet: h for a hint, S for the solution, c to check again\./, 'a failed check')
    keys.write('h\n')
    await until(io, /Hint 1\/2: A VirtualService per service\./, 'the first hint')

    // The learner applies Istio's file by hand, as `meshdojo apply -f` does.
    const res = await request(`${admin}/apply?file=virtual-service-all-v1.yaml`, { method: 'POST', body: sample('virtual-service-all-v1.yaml') })
    expect(res.statusCode).toBe(200)
    await res.body.dump()
    keys.write('c\n')
    await until(io, /✔ All checks pass: press n for the next step\./, 'a passing check')

    keys.write('S\n')
    await until(io, /Applied:\n {4}apiVersion: networking\.istio\.io\/v1/, 'the solution applied')
    keys.write('q\n')
    expect(await done).toBe(0)
  })

  test('without a name it lists the lessons and starts the one picked', async () => {
    const io = captureIO()
    const keys = new PassThrough()
    const done = runWorkshop(flags, io, keys)
    await until(io, /Pick a lesson \[1-\d+\]/, 'the prompt')
    expect(io.out.join('\n')).toMatch(/ {3}1\. request-routing +Request routing\n {3}2\. fault-injection +Fault injection/)
    keys.write('2\n')
    await until(io, /meshdojo workshop: fault-injection · Bookinfo at http:\/\/127\.0\.0\.1:\d+\/productpage/, 'lesson 2 started')
    keys.write('q\n')
    expect(await done).toBe(0)
  })
})
