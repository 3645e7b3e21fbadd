/**
 * Hostile config over real sockets and through the real binary: every bad input gets a 4xx (or a clean
 * CLI error) naming the field, promptly, nothing is applied, and the mesh keeps serving.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { request } from 'undici'
import { startAdminServer, type AdminServer } from '../../sim/admin/admin-server.ts'
import { configRoutes } from '../../sim/admin/config-routes.ts'
import { runCli } from '../support/cli.ts'
import { startTestMesh, type TestMesh } from '../support/mesh.ts'

/** The classic "billion laughs": nine levels of nine aliases each. */
const ALIAS_BOMB = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefghi'.split('').map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`),
  '',
].join('\n')

const virtualService = (spec: string, apiVersion = 'networking.istio.io/v1') =>
  `apiVersion: ${apiVersion}\nkind: VirtualService\nmetadata:\n  name: ratings\nspec:\n${spec}\n`
const ROUTE = '  http:\n  - route:\n    - destination:\n        host: ratings\n'

interface ApplyAnswer {
  readonly status: number
  readonly ms: number
  readonly body: { error?: string; errors?: string[] }
}

describe('config input bounds over the admin API', () => {
  let mesh: TestMesh
  let admin: AdminServer
  beforeAll(async () => {
    mesh = await startTestMesh({ toxiproxy: false })
    admin = await startAdminServer(mesh, { port: 0, routes: [configRoutes(mesh)] })
  })
  afterAll(async () => {
    await admin.close()
    await mesh.close()
  })

  const apply = async (body: string): Promise<ApplyAnswer> => {
    const started = performance.now()
    const res = await request(`${admin.url}/apply?file=attack.yaml`, { method: 'POST', headers: { 'content-type': 'application/yaml' }, body })
    const text = await res.body.text()
    return { status: res.statusCode, ms: performance.now() - started, body: JSON.parse(text) as ApplyAnswer['body'] }
  }
  /** Applies, expects a rejection with `status`, and checks nothing changed. */
  const rejected = async (body: string, status = 400): Promise<string[]> => {
    const version = mesh.config.snapshot().version
    const answer = await apply(body)
    expect(answer.status, JSON.stringify(answer.body).slice(0, 500)).toBe(status)
    expect(mesh.config.snapshot().version).toBe(version)
    return answer.body.errors ?? []
  }

  test('5,000 duplicate hosts: 400 promptly, spec.hosts[1] named once with the count, and the mesh keeps serving', { timeout: 10_000 }, async () => {
    const hosts = `  hosts:\n${'  - ratings\n'.repeat(5000)}`
    const cpu = process.cpuUsage()
    const version = mesh.config.snapshot().version
    const answer = await apply(virtualService(hosts + ROUTE))
    const cpuMs = (process.cpuUsage(cpu).user + process.cpuUsage(cpu).system) / 1000
    expect(answer.status).toBe(400)
    expect(mesh.config.snapshot().version).toBe(version)
    const duplicates = (answer.body.errors ?? []).filter((e) => e.includes('MD0118'))
    expect(duplicates).toHaveLength(1)
    expect(duplicates[0]).toContain('spec.hosts[1]:')
    expect(duplicates[0]).toContain('5000')
    expect(answer.ms).toBeLessThan(2_000)
    expect(cpuMs).toBeLessThan(1_000)
    const page = await mesh.page()
    expect(page.status).toBe(200)
  })

  test('an alias bomb: 4xx naming the aliases, config unchanged', { timeout: 10_000 }, async () => {
    const errors = await rejected(ALIAS_BOMB)
    expect(errors.join('\n')).toMatch(/MD0009.*alias/)
    expect(errors.join('\n')).toContain('attack.yaml, document 1')
  })

  test('a !!binary value: 400 with the field path', async () => {
    const errors = await rejected(virtualService(`  hosts:\n  - !!binary cmF0aW5ncw==\n${ROUTE}`))
    expect(errors).toEqual([expect.stringMatching(/^Error \[MD0011\] \(VirtualService ratings\.default\) spec\.hosts\[0\]: .*!!binary/)])
  })

  test('constructor under spec: 400, an unknown field', async () => {
    const errors = await rejected(virtualService(`  constructor: {}\n  hosts: [ratings]\n${ROUTE}`))
    expect(errors).toEqual([expect.stringMatching(/^Error \[MD0103\] \(VirtualService ratings\.default\) spec\.constructor: unknown field "constructor"/)])
  })

  test('__proto__ under spec: 400 naming it, and nothing is polluted', async () => {
    const errors = await rejected(virtualService(`  __proto__: {polluted: true}\n  hosts: [ratings]\n${ROUTE}`))
    expect(errors.join('\n')).toContain('spec.__proto__:')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  test('a wrong apiVersion names apiVersion and the versions accepted', async () => {
    for (const apiVersion of ['networking.istio.io/v9', 'security.istio.io/v1', 'networking.istio.io', 'v1']) {
      const errors = await rejected(virtualService(`  hosts: [ratings]\n${ROUTE}`, apiVersion))
      expect(errors, apiVersion).toEqual([expect.stringMatching(/\[MD0004\] \(VirtualService ratings\.default\) apiVersion: .*networking\.istio\.io\/v1/)])
    }
  })

  test('more resources than an apply may hold: 413 naming the limit', async () => {
    const doc = (i: number) => `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: r${i}}\nspec: {host: ratings}\n`
    const errors = await rejected(Array.from({ length: 501 }, (_, i) => doc(i)).join('---\n'), 413)
    expect(errors).toEqual([expect.stringMatching(/\[MD0008\].*500.*document 501/)])
  })

  test('deep nesting: 400 naming the depth limit', async () => {
    const errors = await rejected(virtualService(`  hosts: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n${ROUTE}`))
    expect(errors).toEqual([expect.stringMatching(/\[MD0010\].*nested/)])
  })
})

describe('config input bounds on the command line', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meshdojo-bounds-'))
    await writeFile(join(dir, 'bomb.yaml'), ALIAS_BOMB)
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  const noStackTrace = (text: string) => expect(text).not.toMatch(/^\s+at .*:\d+:\d+\)?$/m)

  test('meshdojo analyze -f bomb.yaml: a clear error naming the file, non-zero exit, no stack trace', async () => {
    const result = await runCli(['analyze', '-f', join(dir, 'bomb.yaml')])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/Error \[MD0009\] .*alias.*bomb\.yaml, document 1\)/)
    noStackTrace(result.stderr)
  })

  test('meshdojo scenario bomb.yaml: a clear error naming the file, non-zero exit, no stack trace', async () => {
    const result = await runCli(['scenario', join(dir, 'bomb.yaml')])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('bomb.yaml')
    expect(result.stderr).toMatch(/alias/)
    noStackTrace(result.stderr)
  })

  test('meshdojo demo --config bomb.yaml: stops with the error, no stack trace', async () => {
    const result = await runCli(['demo', '--port', '0', '--admin-port', '0', '--toxiproxy-port', '0', '--no-load', '--plain', '--config', join(dir, 'bomb.yaml')])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/--config rejected[\s\S]*MD0009.*bomb\.yaml/)
    noStackTrace(result.stderr)
  })
})
