/** The observability commands, run in process against a started mesh and admin server. */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { once } from 'node:events'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { MeshError } from '../../mesh/errors.ts'
import { adminUrl } from '../../sim/cli/commands/admin-client.ts'
import { OBSERVABILITY_COMMANDS } from '../../sim/cli/commands/observability-commands.ts'
import { eventually } from '../support/mesh.ts'
import { captureIO, ISTIO_TEXT_LINE } from './telemetry-fixtures.ts'
import { startObservedMesh, type ObservedMesh } from './telemetry-harness.ts'

const command = (name: string) => OBSERVABILITY_COMMANDS.find((c) => c.name === name)!.run

describe('meshdojo logs / traces / stats / edges / propagation', () => {
  let m: ObservedMesh
  let dir: string
  let admin: string[]
  const run = async (name: string, argv: string[]) => {
    const io = captureIO()
    const code = await command(name)([...argv, ...admin], io)
    return { code, out: io.stdoutText(), io }
  }
  const pageLoaded = async () => {
    const before = m.mesh.records.length
    expect((await m.mesh.page()).status).toBe(200)
    await eventually(() => (m.mesh.records.slice(before).some((r) => r.source.workload === 'istio-ingressgateway' && r.reporter === 'source') ? true : undefined), 'the page load reported')
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meshdojo-cli-'))
    m = await startObservedMesh()
    admin = ['--admin', m.admin.url]
    await m.applySamples('destination-rule-all.yaml')
    m.mesh.config.applyText(
      'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: reviews }\nspec:\n  hosts: [reviews]\n  http:\n  - route:\n    - destination: { host: reviews, subset: v3 }\n',
      'reviews-v3.yaml',
    )
    for (let i = 0; i < 3; i++) await pageLoaded()
  })
  afterAll(async () => {
    await m.close()
    await rm(dir, { recursive: true, force: true })
  })

  test('every command has help', async () => {
    for (const c of OBSERVABILITY_COMMANDS) {
      const io = captureIO()
      expect(await c.run(['--help'], io)).toBe(0)
      expect(io.stdoutText()).toContain(`Usage: meshdojo ${c.name}`)
      expect(c.summary.length).toBeGreaterThan(10)
    }
  })

  test('stats <workload>: Envoy counters and hosts as text, or JSON', async () => {
    const { code, out } = await run('stats', ['productpage-v1'])
    expect(code).toBe(0)
    expect(out).toContain('cluster.outbound|9080|v3|reviews.default.svc.cluster.local.upstream_rq_total: 3\n')
    expect(out).toContain('cluster.outbound|9080|v3|reviews.default.svc.cluster.local.upstream_rq_retry: 0\n')
    expect(out).toMatch(/outbound\|9080\|v3\|reviews\.default\.svc\.cluster\.local::127\.0\.0\.1:\d+::health_flags::healthy/)
    expect(out).toMatch(/outbound\|9080\|v3\|reviews\.default\.svc\.cluster\.local::127\.0\.0\.1:\d+::rq_total::3\n/)
    type StatsJson = { stats: { name: string; value: number }[]; cluster_statuses: { name: string; host_statuses: { stats: { name: string; value?: string }[] }[] }[] }
    const json = JSON.parse((await run('stats', ['reviews-v3', '-o', 'json'])).out) as StatsJson
    expect(json.stats).toContainEqual({ name: 'cluster.outbound|9080||ratings.default.svc.cluster.local.upstream_rq_total', value: 3 })
    const ratings = json.cluster_statuses.find((c) => c.name === 'outbound|9080||ratings.default.svc.cluster.local')!
    expect(ratings.host_statuses[0]!.stats).toContainEqual({ value: '3', name: 'rq_total' })
    await expect(run('stats', ['nosuch'])).rejects.toMatchObject({ code: 'MESH_UNKNOWN_WORKLOAD', message: expect.stringContaining('reviews-v2') })
    await expect(run('stats', [])).rejects.toMatchObject({ code: 'MESH_USAGE' })
  })

  test('logs: one workload unprefixed, all prefixed, JSON, --tail', async () => {
    const one = (await run('logs', ['ratings-v1'])).out.split('\n')
    expect(one).toHaveLength(3)
    for (const line of one) expect(ISTIO_TEXT_LINE.exec(line)?.groups).toMatchObject({ path: '/ratings/0', upstreamCluster: 'inbound|9080||' })
    expect(one[0]).toMatch(/^\[\d{4}-/)
    const all = (await run('logs', ['--tail', '4'])).out.split('\n')
    expect(all).toHaveLength(4)
    for (const line of all) expect(line).toMatch(/^\[[a-z0-9-]+ (inbound|outbound)\] \[/)
    const json = (await run('logs', ['istio-ingressgateway', '-o', 'json'])).out.split('\n').map((l) => JSON.parse(l))
    expect(json).toHaveLength(3)
    expect(json[0]).toMatchObject({ path: '/productpage', response_code: 200 })
  })

  test('logs -f prints new lines until interrupted', async () => {
    const io = captureIO()
    const following = command('logs')(['details-v1', '-f', '--tail', '0', ...admin], io)
    await eventually(() => (m.obs.logs.subscriberCount > 0 ? true : undefined), 'the follow subscription')
    await pageLoaded()
    await eventually(() => (io.out.length >= 1 ? true : undefined), 'a followed line')
    expect(io.out[0]).toMatch(ISTIO_TEXT_LINE)
    io.interrupt()
    expect(await following).toBe(0)
    await eventually(() => (m.obs.logs.subscriberCount === 0 ? true : undefined), 'the subscription to close')
  })

  test('traces: trees by default, --export in each format', async () => {
    const { out } = await run('traces', ['--limit', '1'])
    expect(out).toMatch(/^trace [0-9a-f]{32} · 8 spans · /)
    expect(out).toContain('istio-ingressgateway → productpage-v1  GET /productpage  200')
    expect(out).toContain('   └─ reviews-v3 → ratings-v1  GET /ratings/0  200')
    for (const format of ['otlp', 'jaeger', 'zipkin']) {
      const file = join(dir, `traces.${format}.json`)
      const res = await run('traces', ['--export', file, '--format', format])
      expect(res.out).toMatch(new RegExp(`^wrote \\d+ traces \\(\\d+ spans\\) to .* as ${format}`))
      const data = JSON.parse(await readFile(file, 'utf8'))
      if (format === 'otlp') expect(data.resourceSpans.length).toBeGreaterThan(0)
      if (format === 'jaeger') expect(data.data.length).toBeGreaterThanOrEqual(3)
      if (format === 'zipkin') expect(data.length).toBeGreaterThanOrEqual(24)
    }
    await expect(run('traces', ['--format', 'jaeger'])).rejects.toMatchObject({ code: 'MESH_USAGE' })
    await expect(run('traces', ['--export', join(dir, 'x.json'), '--format', 'xml'])).rejects.toMatchObject({ code: 'MESH_USAGE' })
  })

  test('edges: effective vs actual columns', async () => {
    const { code, out } = await run('edges', ['-t', '1m'])
    expect(code).toBe(0)
    const [header, ...rows] = out.split('\n')
    expect(header!.split(/\s+/)).toEqual(['SRC', 'DST', 'SERVICE', 'EFFECTIVE_SUCCESS', 'EFFECTIVE_RPS', 'ACTUAL_SUCCESS', 'ACTUAL_RPS', 'LATENCY_P50', 'LATENCY_P95', 'LATENCY_P99'])
    const toRatings = rows.find((r) => r.startsWith('reviews-v3 '))!
    expect(toRatings.split(/\s+/).slice(0, 4)).toEqual(['reviews-v3', 'ratings-v1', 'ratings', '100.00%'])
    const json = JSON.parse((await run('edges', ['--from', 'productpage-v1', '-o', 'json'])).out) as { edges: { destination: string; actual: { requests: number } }[] }
    expect(json.edges.map((e) => e.destination).sort()).toEqual(['details-v1', 'reviews-v3'])
    await expect(run('edges', ['-t', '5h'])).rejects.toMatchObject({ code: 'MESH_USAGE' })
  })

  test('propagation off/on through the admin API', async () => {
    expect((await run('propagation', ['reviews-v3', 'off'])).out).toContain('no longer forwards trace headers')
    const before = m.obs.spans.size
    await pageLoaded()
    expect(m.obs.spans.size - before).toBe(2) // the page, and reviews-v3 → ratings on its own
    expect((await run('propagation', ['reviews-v3', 'on'])).out).toContain('forwards trace headers again')
    await expect(run('propagation', ['reviews-v3', 'maybe'])).rejects.toMatchObject({ code: 'MESH_USAGE' })
    await expect(run('propagation', ['nosuch', 'off'])).rejects.toMatchObject({ code: 'MESH_UNKNOWN_WORKLOAD' })
  })
})

describe('when no demo is running', () => {
  test('a clear error names the admin URL', async () => {
    const server = createServer().listen(0, '127.0.0.1')
    await once(server, 'listening')
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`
    server.close()
    await once(server, 'close')
    for (const c of OBSERVABILITY_COMMANDS) {
      const argv = c.name === 'stats' ? ['reviews-v2'] : c.name === 'propagation' ? ['reviews-v2', 'off'] : []
      const err = await c.run([...argv, '--admin', url], captureIO()).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(MeshError)
      expect(err).toMatchObject({ code: 'MESH_ADMIN_UNREACHABLE', message: expect.stringContaining(`cannot reach the admin API at ${url} (connection refused): is \`meshdojo demo\` running?`) })
    }
  })

  test('the admin URL comes from --admin, then MESHDOJO_ADMIN, then the default', () => {
    expect(adminUrl(undefined, {})).toBe('http://127.0.0.1:15000')
    expect(adminUrl(undefined, { MESHDOJO_ADMIN: 'http://127.0.0.1:25000/' })).toBe('http://127.0.0.1:25000')
    expect(adminUrl('http://127.0.0.1:1', { MESHDOJO_ADMIN: 'http://127.0.0.1:25000' })).toBe('http://127.0.0.1:1')
    expect(() => adminUrl('nope', {})).toThrow(/--admin must be a URL/)
  })
})
