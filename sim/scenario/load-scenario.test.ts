/**
 * The scenario edge: bad files are refused before anything starts, each problem with the file, the
 * line, the field path and what was expected; the shipped lessons load and follow the lesson rules.
 */
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import { listScenarios, resolveScenarioFile, SCENARIOS_DIR, scenarioNames } from './catalog.ts'
import { scenarioLoader, type ScenarioLoader } from './load-scenario.ts'
import { ScenarioInvalidError, type ScenarioProblem } from './scenario-error.ts'

let loader: ScenarioLoader
let dir: string
beforeAll(() => {
  loader = scenarioLoader()
  dir = mkdtempSync(join(tmpdir(), 'meshdojo-scenario-'))
  writeFileSync(join(dir, 'all-v1.yaml'), readFileSync(join(SCENARIOS_DIR, '../samples/istio/virtual-service-all-v1.yaml')))
})

const HEAD = 'name: lesson\ntitle: T\nsummary: S\nseed: 1\n'

/** Parses `body` as `<dir>/lesson.yaml`; returns the problems (none: the parsed scenario is returned instead). */
function problems(body: string, head = HEAD): ScenarioProblem[] {
  try {
    loader.parse(head + body, join(dir, 'lesson.yaml'))
    return []
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioInvalidError)
    expect((err as ScenarioInvalidError).code).toBe('MESH_SCENARIO_INVALID')
    return [...(err as ScenarioInvalidError).problems]
  }
}

describe('schema errors name the field path and what was expected', () => {
  test.each([
    {
      what: 'a misspelt step field',
      body: 'steps:\n  - title: a\n    text: b\n    expet: []\n',
      field: 'steps[0].expet',
      message: 'unknown field (did you mean "expect"?); expected one of title, text, actions, solve, traffic, expect, hints',
      line: 8,
    },
    {
      what: 'a duration with a space',
      body: 'steps:\n  - title: a\n    text: b\n    traffic: {requests: 1}\n    expect:\n      - latency: {p50: {between: [5.5 s, 6.5s]}}\n',
      field: 'steps[0].expect[0].latency.p50.between[0]',
      message: 'expected a duration like "6s", "500ms", "1.5s" or "1m30s", got "5.5 s"',
      line: 10,
    },
    {
      what: 'a share that is not a number',
      body: 'steps:\n  - title: a\n    text: b\n    traffic: {requests: 1}\n    expect:\n      - share: {where: {status: 503}, between: [fifty, 60%]}\n',
      field: 'steps[0].expect[0].share.between[0]',
      message: 'expected a share: a fraction from 0 to 1, or a percentage like "40%", got "fifty"',
      line: 10,
    },
    {
      what: 'an unknown check kind',
      body: 'steps:\n  - title: a\n    text: b\n    expect:\n      - pgae: {contains: x}\n',
      field: 'steps[0].expect[0].pgae',
      message: 'unknown field (did you mean "page"?); expected one of page, status, share, latency, successRate, metric, flags, endpoint',
      line: 9,
    },
    {
      what: 'two checks in one entry',
      body: 'steps:\n  - title: a\n    text: b\n    traffic: {requests: 1}\n    expect:\n      - {page: {contains: x}, status: {code: 200}}\n',
      field: 'steps[0].expect[0]',
      message: 'expected one check: page, status, share, latency, successRate, metric, flags or endpoint; got page, status',
    },
    {
      what: 'a wrong user',
      body: 'steps:\n  - title: a\n    text: b\n    traffic: {requests: 1, user: jasn}\n',
      field: 'steps[0].traffic.user',
      message: 'expected one of anonymous, jason (did you mean "jason"?), got "jasn"',
    },
    {
      what: 'a count given as text',
      body: 'steps:\n  - title: a\n    text: b\n    traffic: {requests: ten}\n',
      field: 'steps[0].traffic.requests',
      message: 'expected a whole number (total requests), got "ten"',
    },
    {
      what: 'a missing title',
      body: 'steps:\n  - text: b\n',
      field: 'steps[0].title',
      message: 'is required',
    },
    {
      what: 'four hints',
      body: 'steps:\n  - title: a\n    text: b\n    hints: [a, b, c, d]\n',
      field: 'steps[0].hints',
      message: 'expected at most 3 item(s) (1 to 3 hints that nudge, shown one at a time), got 4',
    },
    {
      what: 'an unknown toxic type',
      body: 'steps:\n  - title: a\n    text: b\n    actions:\n      toxic: {proxy: ratings-v1, add: {type: latncy}}\n',
      field: 'steps[0].actions.toxic.add.type',
      message: 'expected one of latency, bandwidth, slow_close, timeout, reset_peer, slicer, limit_data (did you mean "latency"?), got "latncy"',
    },
  ])('$what', ({ body, field, message, line }) => {
    const found = problems(body)
    expect(found).toContainEqual(expect.objectContaining({ field, message, file: join(dir, 'lesson.yaml'), ...(line ? { line } : {}) }))
  })

  test('missing top-level fields are listed together', () => {
    const found = problems('steps: []\n', 'name: lesson\n')
    expect(found.map((p) => p.field)).toEqual(expect.arrayContaining(['title', 'summary', 'seed']))
    expect(found.find((p) => p.field === 'steps')?.message).toBe('expected at least 1 item(s), got 0')
  })

  test('YAML syntax errors say where', () => {
    const found = problems('steps: "x"\n bad: indentation\n')
    expect(found).toHaveLength(1)
    expect(found[0]).toMatchObject({ field: '', line: 6 })
    expect(found[0]!.message).toMatch(/^not valid YAML: /)
  })

  test("YAML syntax errors of the lesson itself do not quote it", () => {
    const found = problems('steps:\n  - title: |hunter2\n')
    expect(found[0]).toMatchObject({ field: '', line: 6, message: 'not valid YAML' })
  })

  test('the error message lists every problem as file:line:column field: message', () => {
    try {
      loader.parse(`${HEAD}steps:\n  - title: a\n    text: b\n    expet: []\n`, join(dir, 'lesson.yaml'))
      expect.unreachable()
    } catch (err) {
      expect((err as Error).message).toContain(`lesson.yaml is invalid (1 problem), nothing was started:\n  ${join(dir, 'lesson.yaml')}:8:5 steps[0].expet: unknown field`)
    }
  })
})

describe('semantic checks the schema cannot make', () => {
  const step = (extra: string) => `steps:\n  - title: a\n    text: b\n${extra}`

  test('a referenced file must exist, relative to the scenario', () => {
    expect(problems(step('    solve:\n      apply: all-v1.yaml\n'))).toEqual([])
    const [p] = problems(step('    solve:\n      apply: missing.yaml\n'))
    expect(p).toMatchObject({ field: 'steps[0].solve.apply', line: 9 })
    expect(p!.message).toContain('expected inline Istio YAML or a file path relative to the scenario; no file')
  })

  test('files come only from the lesson folder (and below) or samples/: .., absolute paths and links out are refused', () => {
    const outside = mkdtempSync(join(tmpdir(), 'meshdojo-outside-'))
    writeFileSync(join(outside, 'vs.yaml'), readFileSync(join(dir, 'all-v1.yaml')))
    mkdirSync(join(dir, 'sub'), { recursive: true })
    writeFileSync(join(dir, 'sub', 'vs.yaml'), readFileSync(join(dir, 'all-v1.yaml')))
    symlinkSync(join(outside, 'vs.yaml'), join(dir, 'out-link.yaml'))
    symlinkSync(join(dir, 'sub', 'vs.yaml'), join(dir, 'in-link.yaml'))
    const samples = join(SCENARIOS_DIR, '../samples/istio/virtual-service-all-v1.yaml')
    const allowed = ['sub/vs.yaml', './sub/../all-v1.yaml', 'in-link.yaml', samples, join(dir, 'all-v1.yaml')]
    expect(problems(step(`    solve:\n${allowed.map((f) => `      - apply: ${f}\n`).join('')}`))).toEqual([])
    const refused = ['../' + outside.split('/').pop() + '/vs.yaml', join(outside, 'vs.yaml'), 'out-link.yaml', '/proc/self/environ', '../../../../etc/passwd', join(SCENARIOS_DIR, 'fault-injection.yaml')]
    const found = problems(step(`    solve:\n${refused.map((f) => `      - delete: ${f}\n`).join('')}`))
    expect(found.map((p) => [p.field, p.line])).toEqual(refused.map((_, i) => [`steps[0].solve[${i}].delete`, 9 + i]))
    for (const p of found) {
      expect(p.file).toBe(join(dir, 'lesson.yaml'))
      expect(p.message).toMatch(/^refused: ".*" (is outside|leads outside|is or passes through a symbolic link that leads outside) the folders a lesson may read files from: /)
      expect(p.message).toContain(`the lesson's folder (${dir}) and meshdojo's samples (${join(SCENARIOS_DIR, '..', 'samples')})`)
    }
    expect(found[2]!.message).toContain('symbolic link')
  })

  test("a file's errors name it and the field, never what it holds; inline YAML keeps its values", () => {
    writeFileSync(join(dir, 'weight.yaml'), 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: r}\nspec:\n  hosts: [reviews]\n  http: [{route: [{destination: {host: reviews}, weight: hunter2}]}]\n')
    writeFileSync(join(dir, 'kind.yaml'), 'apiVersion: v1\nkind: SecretHunter2\nmetadata: {name: hunter2}\n')
    writeFileSync(join(dir, 'syntax.yaml'), 'a: |hunter2\n  b\nc: "hunter2\\q"\n')
    const found = problems(step('    solve:\n      - apply: weight.yaml\n      - apply: kind.yaml\n      - apply: syntax.yaml\n'))
    expect(found.map((p) => p.message)).toEqual([
      'Istio YAML rejected: Error [MD0101] (VirtualService r.default) spec.http[0].route[0].weight: must be a non-negative integer (weight.yaml, document 1)',
      expect.stringMatching(/^Istio YAML rejected: Error \[MD0003\] kind: is not a kind meshdojo simulates; supported kinds: .* \(kind.yaml, document 1\)$/),
      'Istio YAML rejected: Error [MD0001] YAML syntax error at line 1, column 5 (syntax.yaml, document 1)',
      'Istio YAML rejected: Error [MD0001] YAML syntax error at line 3, column 12 (syntax.yaml, document 1)',
    ])
    expect(found.map((p) => p.message).join('\n')).not.toMatch(/hunter2/i)
    const [inline] = problems(step('    solve:\n      - apply: |\n          apiVersion: networking.istio.io/v1\n          kind: VirtualService\n          metadata: {name: r}\n          spec: {hosts: [reviews], http: [{route: [{destination: {host: reviews}, weight: fifty}]}]}\n'))
    expect(inline!.message).toContain('must be a non-negative integer, got "fifty"')
  })

  test('embedded Istio YAML goes through parseConfig; its diagnostics carry the scenario path', () => {
    const yaml = [
      '    solve:',
      '      - apply: |',
      '          apiVersion: networking.istio.io/v1',
      '          kind: VirtualService',
      '          metadata: {name: reviews}',
      '          spec:',
      '            hosts: [reviews]',
      '            http: [{route: [{destination: {host: reviews}}], timeout: 10}]',
      '',
    ].join('\n')
    const [p] = problems(step(yaml))
    expect(p!.field).toBe('steps[0].solve[0].apply')
    expect(p!.message).toMatch(/^Istio YAML rejected: Error \[MD0112\] \(VirtualService reviews.default\) spec.http\[0\].timeout: must be a duration/)
    expect(p!.message).toContain('lesson.yaml steps[0].solve[0].apply, document 1')
  })

  test('durations and bounds must make sense', () => {
    const found = problems(step('    traffic: {requests: 1}\n    expect:\n      - latency: {p50: {between: [6s, 5s]}}\n      - latency: {user: jason}\n'))
    expect(found.map((p) => [p.field, p.message])).toEqual([
      ['steps[0].expect[0].latency.p50.between', 'expected [low, high] with low ≤ high, got ["6s","5s"]'],
      ['steps[0].expect[1]', "expected the step's traffic to include requests as jason; it sends to /productpage as anonymous"],
      ['steps[0].expect[1].latency', 'expected at least one percentile: p50, p75, p90, p95, p99, max'],
    ])
  })

  test('workloads, proxies and URLs must exist in the mesh the setup starts', () => {
    const found = problems(step('    actions:\n      kill: reviews-v9\n      toxic: {proxy: httpbin-v1, remove: x}\n    traffic: {url: "http://httpbin:8000/get", requests: 1}\n'))
    expect(found.map((p) => p.field)).toEqual(['steps[0].actions.kill', 'steps[0].actions.toxic.proxy', 'steps[0].traffic.url'])
    expect(found[1]!.message).toContain('httpbin runs only with setup.withHttpbin: true')
    expect(problems(`setup: {withHttpbin: true}\n${step('    actions:\n      toxic: {proxy: httpbin-v1, remove: x}\n    traffic: {url: "http://httpbin:8000/get", requests: 1}\n')}`)).toEqual([])
  })

  test('a check that reads responses needs traffic in its step; a wait cannot use one', () => {
    const [p] = problems(step('    expect:\n      - page: {contains: x}\n'))
    expect(p!.message).toBe("expected the step to have traffic: this check reads the responses of the step's traffic, and it has none")
    const [w] = problems(step('    actions:\n      - wait: {until: {status: {code: 200}}}\n'))
    expect(w!.field).toBe('steps[0].actions[0].wait.until')
  })

  test('toxic changes need exactly one operation, and attributes the type knows', () => {
    const found = problems(step('    actions:\n      toxic:\n        - {proxy: ratings-v1, remove: a, enabled: false}\n        - {proxy: ratings-v1, add: {type: latency, attributes: {latancy: 5}}}\n'))
    expect(found.map((p) => [p.field, p.message])).toEqual([
      ['steps[0].actions.toxic[0]', 'expected exactly one of add, update, remove, enabled, reset; got remove, enabled'],
      ['steps[0].actions.toxic[1].add.attributes.latancy', 'unknown attribute for a latency toxic; expected latency, jitter'],
    ])
  })

  test('the name must be the file name', () => {
    const [p] = problems(step(''), 'name: other\ntitle: T\nsummary: S\nseed: 1\n')
    expect(p).toMatchObject({ field: 'name', line: 1, message: 'expected the file\'s name "lesson" (scenarios are found by name), got "other"' })
  })

  test('a valid scenario comes back frozen, in ms and fractions', () => {
    const s = loader.parse(
      `${HEAD}setup: {ratings: faulty, readinessDelay: 10m}\n${step('    actions:\n      apply: all-v1.yaml\n      say: hi\n    traffic: {duration: 2s, rps: 5, events: [{at: 500ms, kill: reviews-v2}]}\n    expect:\n      - share: {where: {servedBy: v1}, between: [40%, 0.6]}\n')}`,
      join(dir, 'lesson.yaml'),
    )
    expect(Object.isFrozen(s.steps[0]!.expect[0])).toBe(true)
    expect(s.setup).toMatchObject({ ratings: 'faulty', readinessDelayMs: 600_000, withHttpbin: false })
    expect(s.steps[0]!.actions.map((a) => a.kind)).toEqual(['say', 'apply']) // mapping form: ACTION_ORDER
    expect(s.steps[0]!.traffic[0]).toMatchObject({ durationMs: 2000, rps: 5, path: '/productpage', user: 'anonymous', events: [{ atMs: 500, action: { kind: 'kill', workload: 'reviews-v2' } }] })
    expect(s.steps[0]!.expect[0]).toMatchObject({ kind: 'share', bound: { atLeast: 0.4, atMost: 0.6 } })
  })
})

describe('the shipped lessons', () => {
  const ISTIO_TASKS = ['request-routing', 'fault-injection', 'traffic-shifting', 'request-timeouts', 'circuit-breaking', 'mirroring', 'retries', 'outlier-detection', 'network-chaos', 'pod-kill']

  test('every Istio traffic lesson is there, in lesson order', () => {
    const ordered = listScenarios(loader).map((s) => s.name)
    expect(ordered.slice(0, ISTIO_TASKS.length)).toEqual(ISTIO_TASKS)
  })

  test.each(scenarioNames())('%s loads, with the schema comment editors use', (name) => {
    const file = join(SCENARIOS_DIR, `${name}.yaml`)
    expect(readFileSync(file, 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=./schema.json')
    expect(loader.load(file).name).toBe(name)
  })

  test.each(ISTIO_TASKS)('%s follows the lesson rules: a linked page; each step checks something and has 1 to 3 hints', (name) => {
    const s = loader.load(join(SCENARIOS_DIR, `${name}.yaml`))
    expect(s.summary).toMatch(/\]\(https:\/\/(istio\.io|github\.com)\//) // links the page it follows
    for (const step of s.steps) {
      expect(step.hints.length, `${name}: "${step.title}" has 1 to 3 hints`).toBeGreaterThanOrEqual(1)
      expect(step.expect.length, `${name}: "${step.title}" checks something`).toBeGreaterThan(0)
    }
  })

  test('names resolve to files; unknown names suggest the closest', () => {
    expect(resolveScenarioFile('fault-injection')).toMatch(/scenarios\/fault-injection\.yaml$/)
    expect(resolveScenarioFile('./my/lesson.yaml')).toBe('./my/lesson.yaml')
    expect(() => resolveScenarioFile('fault-injectoin')).toThrow(/no scenario named "fault-injectoin" \(did you mean "fault-injection"\?\)/)
  })
})
