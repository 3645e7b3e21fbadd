/**
 * The headless runner and `meshdojo scenario`: a wrong expectation fails with observed vs expected
 * and a hint, a failing action stops its scenario, every action kind runs, --list, and --report as
 * JSON and Markdown. Fixture scenarios are written to a temp dir; they point at Istio's samples.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, test } from 'vitest'
import { runCli } from '../../sim/cli/main.ts'
import { scenarioLoader } from '../../sim/scenario/load-scenario.ts'
import { runScenario, type ScenarioReport } from '../../sim/scenario/run-scenario.ts'
import { captureIO } from '../support/cli-io.ts'

const SAMPLES = fileURLToPath(new URL('../../samples/istio/', import.meta.url))
let dir: string

/** Writes `<dir>/<name>.yaml` and returns its path. */
function fixture(name: string, body: string): string {
  const file = join(dir, `${name}.yaml`)
  writeFileSync(file, `name: ${name}\ntitle: ${name} fixture\nsummary: a test fixture\nseed: 42\n${body}`)
  return file
}

async function cli(...argv: string[]) {
  const io = captureIO()
  const code = await runCli(argv, io)
  return { code, out: io.out.join('\n'), err: io.err.join('\n') }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'meshdojo-runner-'))
})

describe('a deliberately wrong expectation', () => {
  let file: string
  beforeAll(() => {
    // Without a VirtualService, reviews-v1 serves about a third of the pages, not 90%.
    file = fixture(
      'wrong',
      `steps:
  - title: Everything from v1?
    text: It is not.
    traffic: { requests: 6 }
    expect:
      - status: { code: 200 }
      - share: { where: { servedBy: v1 }, between: [90%, 100%] }
      - latency: { p50: { between: [5.5s, 6.5s] }, hint: "The delay fault needs a percentage." }
    hints: [No VirtualService routes reviews yet.]
`,
    )
  })

  test('fails, saying what was observed and what was expected, with the hint', async () => {
    const report = await runScenario(scenarioLoader().load(file))
    expect(report.passed).toBe(false)
    const [status, share, latency] = report.steps[0]!.checks
    expect(status!.passed).toBe(true)
    expect(share).toMatchObject({ passed: false, hint: 'No VirtualService routes reviews yet.' })
    expect(share!.detail).toMatch(/^share of responses from \/productpage served by reviews-v1 was \d+(\.\d)?% \(\d of 6\); expected between 90% and 100%$/)
    expect(latency).toMatchObject({ passed: false, hint: 'The delay fault needs a percentage.' })
    expect(latency!.detail).toMatch(/^p50 of \/productpage was \d+(\.\d)? ms \(6 samples\); expected between 5\.5 s and 6\.5 s$/)
  })

  test('meshdojo scenario prints ✘ lines with the hint and exits 1; --report writes JSON', async () => {
    const out = join(dir, 'wrong-report.json')
    const r = await cli('scenario', file, '--report', out)
    expect(r.code).toBe(1)
    expect(r.out).toContain('▶ wrong: wrong fixture (seed 42, 1 step)')
    expect(r.out).toContain('Step 1/1: Everything from v1?')
    expect(r.out).toMatch(/ {2}✔ codes of responses from \/productpage: 200 ×6; expected all 200/)
    expect(r.out).toMatch(/ {2}✘ share of responses from \/productpage served by reviews-v1 was .*; expected between 90% and 100%\. Hint: No VirtualService routes reviews yet\./)
    expect(r.out).toContain('✘ wrong failed: 2 of 3 checks failed')
    const report = JSON.parse(readFileSync(out, 'utf8')) as ScenarioReport
    expect(report).toMatchObject({ scenario: { name: 'wrong', seed: 42 }, passed: false, steps: [{ number: 1, status: 'failed', traffic: ['6 requests to /productpage as anonymous'] }] })
    expect(report.steps[0]!.checks.map((c) => c.passed)).toEqual([true, false, false])
  })
})

describe('actions', () => {
  test('every action kind runs in order; a failing action fails its step and skips the rest', async () => {
    const file = fixture(
      'actions',
      `setup:
  apply:
    - ${join(SAMPLES, 'destination-rule-all.yaml')}
    - |
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews}
      spec:
        hosts: [reviews]
        http: [{route: [{destination: {host: reviews, subset: v2}}]}]
steps:
  - title: Cut the link to ratings
    text: x
    actions:
      - say: cutting ratings off
      - toxic: { proxy: ratings-v1, enabled: false }
    traffic: { requests: 2 }
    expect:
      - flags: { from: reviews-v2, to: ratings, all: UF }
      - page: { contains: Ratings service is currently unavailable }
    hints: [h]
  - title: Restore it, route reviews back to all versions, kill one mid-traffic
    text: x
    actions:
      toxic: { proxy: ratings-v1, enabled: true }
      delete: { kind: VirtualService, name: reviews }
      wait: 100ms
    solve:
      - wait: { until: { endpoint: { workload: reviews-v2, ready: true } }, timeout: 2s }
    traffic: { duration: 2s, rps: 20, concurrency: 2, events: [{ at: 200ms, kill: reviews-v1 }, { at: 1500ms, restart: reviews-v1 }] }
    expect:
      - page: { notContains: Ratings service is currently unavailable }
      - flags: { to: reviews-v1, reporter: destination, some: UF }
      - endpoint: { workload: reviews-v1, ready: true }
    hints: [h]
  - title: Remove a toxic that is not there
    text: x
    actions:
      toxic: { proxy: ratings-v1, remove: nothing-here }
    traffic: { requests: 1 }
    expect:
      - status: { code: 200 }
    hints: [h]
  - title: Never runs
    text: x
    traffic: { requests: 1 }
    expect:
      - status: { code: 200 }
    hints: [h]
`,
    )
    const report = await runScenario(scenarioLoader().load(file))
    const [cut, restore, broken, never] = report.steps
    expect(cut).toMatchObject({ status: 'passed', actions: ['actions: cutting ratings off', 'actions: link ratings-v1 disabled'] })
    expect(restore!.actions).toEqual([
      'actions: delete VirtualService reviews',
      'actions: link ratings-v1 enabled',
      'actions: wait 100 ms',
      'solve: wait until reviews-v2 is ready (at most 2 s)',
      'event: kill reviews-v1',
      'event: restart reviews-v1',
    ])
    expect(restore!.checks.filter((c) => !c.passed).map((c) => c.detail)).toEqual([])
    expect(broken).toMatchObject({ status: 'failed', checks: [], error: expect.stringMatching(/^toxic nothing-here removed from ratings-v1: .*toxic not found/) })
    expect(never!.status).toBe('skipped')
    expect(report.passed).toBe(false)
  })

  test('a wait that never comes true fails its step with what it saw', async () => {
    const file = fixture(
      'waits',
      `steps:
  - title: Wait for something that will not happen
    text: x
    actions:
      - wait: { until: { endpoint: { workload: reviews-v2, ready: false } }, timeout: 300ms }
    expect:
      - endpoint: { workload: reviews-v2, ready: true }
    hints: [h]
`,
    )
    const report = await runScenario(scenarioLoader().load(file))
    expect(report.steps[0]!.error).toBe('wait until reviews-v2 is not ready (at most 300 ms): gave up after 300 ms: reviews-v2 is ready; expected not ready')
  })
})

describe('meshdojo scenario', () => {
  test('--list shows the lessons with their titles, in lesson order', async () => {
    const r = await cli('scenario', '--list')
    expect(r.code).toBe(0)
    const lines = r.out.split('\n')
    expect(lines[0]).toMatch(/^request-routing +Request routing \(3 steps\)$/)
    expect(lines[1]).toMatch(/^fault-injection +Fault injection \(5 steps\)$/)
    for (const name of ['traffic-shifting', 'request-timeouts', 'circuit-breaking', 'mirroring', 'retries', 'outlier-detection', 'network-chaos', 'pod-kill']) {
      expect(r.out).toMatch(new RegExp(`^${name} `, 'm'))
    }
  })

  test('--report FILE.md writes Markdown with a table of checks', async () => {
    const file = fixture(
      'passes',
      `steps:
  - title: Pages load
    text: x
    traffic: { requests: 2 }
    expect:
      - status: { code: 200 }
    hints: [h]
`,
    )
    const out = join(dir, 'passes.md')
    const r = await cli('scenario', file, '--report', out)
    expect(r.code).toBe(0)
    expect(r.out).toContain('✔ passes passed: 1 check in 1 step (')
    expect(r.out).toContain(`report written to ${out}`)
    const md = readFileSync(out, 'utf8')
    expect(md).toMatch(/^# passes fixture \(`passes`\): passed\n/)
    expect(md).toContain('## 1. Pages load: passed')
    expect(md).toContain('| | check | observed |')
    expect(md).toContain('| ✔ | every one of the responses from /productpage has status 200 | codes of responses from /productpage: 200 ×2; expected all 200 |')
  })

  test('an invalid file is refused before anything starts: file:line:column, field path, expected', async () => {
    const file = join(dir, 'broken.yaml')
    writeFileSync(file, 'name: broken\ntitle: t\nsummary: s\nseed: 1\nsteps:\n  - title: a\n    text: b\n    traffic: {requests: 1}\n    expect:\n      - latency: {p50: {below: 3 s}}\n')
    const r = await cli('scenario', file)
    expect(r.code).toBe(1)
    expect(r.err).toContain(`meshdojo scenario: scenario ${file} is invalid (1 problem), nothing was started:`)
    expect(r.err).toContain(`${file}:10:32 steps[0].expect[0].latency.p50.below: expected a duration like "6s", "500ms", "1.5s" or "1m30s", got "3 s"`)
  })

  test('--all --dir runs every lesson of a folder: a line per lesson, what failed, a total, a report of all', async () => {
    const lessons = mkdtempSync(join(dir, 'lessons-'))
    const lesson = (name: string, order: number, code: number) =>
      writeFileSync(
        join(lessons, `${name}.yaml`),
        `name: ${name}\ntitle: ${name} lesson\nsummary: s\nseed: 42\norder: ${order}\nsteps:\n  - title: Pages load\n    text: x\n    traffic: { requests: 2 }\n    expect:\n      - status: { code: ${code} }\n    hints: [Nothing routes yet.]\n`,
      )
    lesson('second', 2, 503)
    lesson('first', 1, 200)
    const out = join(dir, 'all.json')
    const r = await cli('scenario', '--all', '--dir', lessons, '--report', out)
    expect(r.code).toBe(1)
    const lines = r.out.split('\n')
    expect(lines[0]).toMatch(/^✔ first +1\/1 checks in 1 step +\d/)
    expect(lines[1]).toMatch(/^✘ second +0\/1 checks in 1 step +\d/)
    expect(lines[2]).toBe('  step 1: ✘ codes of responses from /productpage: 200 ×2; expected all 503. Hint: Nothing routes yet.')
    expect(r.out).toMatch(/\n✘ 1 of 2 lessons passed \(/)
    const reports = JSON.parse(readFileSync(out, 'utf8')) as ScenarioReport[]
    expect(reports.map((x) => [x.scenario.name, x.passed])).toEqual([['first', true], ['second', false]])
    expect(await cli('scenario', '--all', 'first')).toMatchObject({ code: 2, err: expect.stringContaining('--all takes no scenario name') })
    expect(await cli('scenario', '--list', '--dir', lessons)).toMatchObject({ code: 0, out: expect.stringMatching(/^first +first lesson \(1 step\)\nsecond /) })
  })

  test('usage mistakes exit 2 with one line', async () => {
    expect(await cli('scenario', 'fault-injectoin')).toMatchObject({ code: 2, err: expect.stringContaining('did you mean "fault-injection"?') })
    expect(await cli('scenario', 'fault-injection', '--report', 'out.txt')).toMatchObject({ code: 2, err: expect.stringContaining('--report must end in .json or .md') })
    expect(await cli('scenario')).toMatchObject({ code: 2 })
    expect((await cli('scenario', '--help')).out).toContain('Usage: meshdojo scenario <name|file.yaml> [--report FILE]')
  })
})
