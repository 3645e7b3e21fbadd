/**
 * Files a lesson may read, through the real `meshdojo` binary: a lesson reads Istio YAML only from its
 * own folder and meshdojo's samples/ (`..`, symbolic links and absolute paths elsewhere are refused,
 * naming the field), and errors about a file (a lesson's or a `--config` one) name it and the line but
 * never print what is in it.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { BIN } from '../support/cli.ts'

/** Values that must never reach the output: an environment variable and the contents of files outside. */
const ENV_CANARY = 'envcanary-Q7PZ4K2M'
const FILE_CANARY = 'filecanary-X3LT9W8R'

/** Runs `meshdojo …` with the canary first in its environment (so /proc/self/environ starts with it). */
function meshdojo(...args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { MESHDOJO_TEST_TOKEN: ENV_CANARY, ...process.env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (d) => (output += d))
  child.stderr.on('data', (d) => (output += d))
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, output })))
}

const HEAD = (name: string) => `name: ${name}\ntitle: T\nsummary: S\nseed: 1\n`
const STEP = '  - title: a\n    text: b\n'

let lessons: string
let outside: string
beforeAll(() => {
  lessons = mkdtempSync(join(tmpdir(), 'meshdojo-lesson-'))
  outside = mkdtempSync(join(tmpdir(), 'meshdojo-outside-'))
  // Outside the lesson's folder: a "secret" that is valid YAML but not Istio config (its value would be echoed as `got …`).
  writeFileSync(join(outside, 'secret.yaml'), `API_TOKEN=${FILE_CANARY}\n`)
  symlinkSync(join(outside, 'secret.yaml'), join(lessons, 'linked.yaml'))
  symlinkSync(outside, join(lessons, 'linked-dir'))
})
afterAll(() => {
  rmSync(lessons, { recursive: true, force: true })
  rmSync(outside, { recursive: true, force: true })
})

/** Output must hold none of the environment or the outside file. */
function expectNoContent(output: string): void {
  expect(output).not.toContain(ENV_CANARY)
  expect(output).not.toContain('PATH=')
  expect(output).not.toContain('\\u0000')
  expect(output).not.toContain(FILE_CANARY)
}

describe('a lesson reads files only from its own folder and meshdojo samples/', () => {
  test('.., an absolute path and symbolic links out of the folder are refused, naming the lesson, the field and the allowed folders', async () => {
    const file = join(lessons, 'escape.yaml')
    writeFileSync(
      file,
      `${HEAD('escape')}setup:
  apply: ${join(outside, 'secret.yaml')}
steps:
${STEP}    actions:
      - apply: ../../../../proc/self/environ
      - apply: /proc/self/environ
      - apply: linked.yaml
      - delete: linked-dir/secret.yaml
`,
    )
    const { code, output } = await meshdojo('scenario', file)
    expect(code).toBe(1)
    expectNoContent(output)
    expect(output).toContain(`scenario ${file} is invalid (5 problems), nothing was started`)
    for (const [field, line] of [['setup.apply', 6], ['steps[0].actions[0].apply', 11], ['steps[0].actions[1].apply', 12], ['steps[0].actions[2].apply', 13], ['steps[0].actions[3].delete', 14]] as const) {
      const problem = output.split('\n').find((l) => l.includes(` ${field}: `))
      expect(problem, field).toMatch(new RegExp(`^  ${file}:${line}:\\d+ ${field.replace(/[[\].]/g, '\\$&')}: refused: `))
      expect(problem).toContain(`the lesson's folder (${lessons})`)
      expect(problem).toMatch(/meshdojo's samples \(\/.*samples\)/)
    }
  })

  test('a file in the folder that is not valid YAML, or not Istio config, is named with its line, without its content', async () => {
    writeFileSync(join(lessons, 'broken.yaml'), `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  token: |${FILE_CANARY}\n    x\n`)
    writeFileSync(join(lessons, 'dotenv.yaml'), `API_TOKEN=${FILE_CANARY}\n`)
    writeFileSync(join(lessons, 'alias.yaml'), `apiVersion: networking.istio.io/v1\ntoken: *${FILE_CANARY}\n`)
    const file = join(lessons, 'unreadable.yaml')
    writeFileSync(file, `${HEAD('unreadable')}steps:\n${STEP}    actions:\n      - apply: broken.yaml\n      - apply: dotenv.yaml\n      - apply: alias.yaml\n`)
    const { code, output } = await meshdojo('scenario', file)
    expect(code).toBe(1)
    expectNoContent(output)
    expect(output).toMatch(/steps\[0\]\.actions\[0\]\.apply: Istio YAML rejected: Error \[MD0001\] YAML syntax error at line 4, column \d+.*\(broken\.yaml, document 1\)/)
    expect(output).toMatch(/steps\[0\]\.actions\[1\]\.apply: Istio YAML rejected: Error \[MD0002\] a document must be a Kubernetes object.*\(dotenv\.yaml, document 1\)/)
    expect(output).toMatch(/steps\[0\]\.actions\[2\]\.apply: .*alias\.yaml/)
  })
})

describe('demo --config names the file and the line of an error, never its content', () => {
  test.each([
    ['invalid YAML', `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  token: |${FILE_CANARY}\n    x\n`, /YAML syntax error at line 4, column \d+/],
    ['an undefined alias', `apiVersion: networking.istio.io/v1\ntoken: *${FILE_CANARY}\n`, /\[MD0011\] token: an alias \(\*name\) refers to no anchor/],
    ['a dotenv line', `API_TOKEN=${FILE_CANARY}\n`, /\[MD0002\] a document must be a Kubernetes object/],
    ['a bad value', 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: x}\nspec:\n  hosts: [reviews]\n  http:\n  - route:\n    - destination: {host: reviews}\n      weight: ' + FILE_CANARY + '\n', /spec\.http\[0\]\.route\[0\]\.weight: must be/],
  ])('%s', async (_what, text, error) => {
    const file = join(lessons, `config-${_what.replace(/\W+/g, '-')}.yaml`)
    writeFileSync(file, text)
    const { code, output } = await meshdojo('demo', '--plain', '--no-load', '--port', '0', '--admin-port', '0', '--toxiproxy-port', '0', '--config', file)
    expect(code).not.toBe(0)
    expectNoContent(output)
    expect(output).toMatch(error)
    expect(output).toContain(file)
  })
})
