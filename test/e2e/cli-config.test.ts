/** kubectl-style config commands and fortio-style load against a running mesh's admin API. */
import { mkdtemp, writeFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { parse, parseAllDocuments } from 'yaml'
import { runCli } from '../../sim/cli/main.ts'
import { startAdminServer, type AdminServer } from '../../sim/admin/admin-server.ts'
import { configRoutes } from '../../sim/admin/config-routes.ts'
import { loadRoutes } from '../../sim/admin/load-routes.ts'
import { startTestMesh, type TestMesh } from '../support/mesh.ts'
import { captureIO } from '../support/cli-io.ts'
import { SAMPLES_DIR } from '../support/samples.ts'

describe('config commands', () => {
  let mesh: TestMesh
  let admin: AdminServer
  let dir: string
  let closeLoad: () => Promise<void>
  const run = async (...argv: string[]) => {
    const io = captureIO()
    const code = await runCli([...argv, '--admin', admin.url], io)
    return { code, out: io.out.join('\n'), err: io.err.join('\n') }
  }
  const sample = (f: string) => join(SAMPLES_DIR, f)

  beforeAll(async () => {
    mesh = await startTestMesh({ withHttpbin: true })
    const load = loadRoutes(mesh)
    closeLoad = load.close
    admin = await startAdminServer(mesh, { port: 0, routes: [configRoutes(mesh), load.routes] })
    dir = await mkdtemp(join(tmpdir(), 'meshdojo-cli-'))
  })
  afterAll(async () => {
    await closeLoad()
    await admin.close()
    await mesh.close()
    await rm(dir, { recursive: true, force: true })
  })

  test('apply prints what changed, kubectl-style; a second apply is unchanged', async () => {
    const first = await run('apply', '-f', sample('destination-rule-all.yaml'), '-f', sample('virtual-service-all-v1.yaml'))
    expect(first.code).toBe(0)
    expect(first.out).toContain('virtualservice.networking.istio.io/reviews created')
    expect(first.out).toContain('destinationrule.networking.istio.io/reviews created')
    const again = await run('apply', '-f', sample('virtual-service-all-v1.yaml'))
    expect(again.out).toContain('virtualservice.networking.istio.io/reviews unchanged')
    expect((await mesh.page()).body).not.toContain('glyphicon glyphicon-star')
  })

  test('an invalid file is rejected whole, with istioctl-style errors naming the field and the file', async () => {
    const before = mesh.config.snapshot().version
    const bad = join(dir, 'bad.yaml')
    await writeFile(
      bad,
      `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ratings
spec:
  hosts: [ratings]
  http:
  - route:
    - destination: {host: ratings, subset: v1}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v1}
      weight: 50
    - destination: {host: reviews, subset: v3}
      weight: fifty
`,
    )
    const result = await run('apply', '-f', bad)
    expect(result.code).toBe(1)
    expect(result.err).toMatch(/Error \[MD\d+\] \(VirtualService reviews\.default\) spec\.http\[0\]\.route\[1\]\.weight: .*"fifty".*\(.*bad\.yaml, document 2\)/)
    expect(result.err).toContain('nothing applied')
    expect(mesh.config.snapshot().version).toBe(before)
  })

  test('apply -f - reads standard input', async () => {
    const io = captureIO(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: details}
spec:
  hosts: [details]
  http: [{route: [{destination: {host: details, subset: v1}}]}]
`)
    expect(await runCli(['apply', '-f', '-', '--admin', admin.url], io)).toBe(0)
    expect(io.out.join()).toContain('virtualservice.networking.istio.io/details unchanged') // same spec as all-v1's
  })

  test('get lists as a table and prints YAML that applies again', async () => {
    const table = await run('get', 'virtualservices')
    expect(table.out).toMatch(/^NAME\s+GATEWAYS\s+HOSTS\s+AGE/)
    expect(table.out).toContain('reviews')
    const yaml = await run('get', 'vs', 'reviews', '-o', 'yaml')
    const doc = parse(yaml.out)
    expect(doc).toMatchObject({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'reviews' } })
    const file = join(dir, 'roundtrip.yaml')
    await writeFile(file, yaml.out)
    expect((await run('apply', '-f', file)).out).toContain('unchanged')
    expect((await run('get', 'nonsense')).code).toBe(2)
  })

  test('delete by file and by name', async () => {
    const byFile = await run('delete', '-f', sample('virtual-service-all-v1.yaml'))
    expect(byFile.out).toContain('virtualservice.networking.istio.io "reviews" deleted')
    expect(mesh.config.list('VirtualService').map((r) => r.meta.name)).toEqual(['bookinfo'])
    expect((await run('delete', 'destinationrule', 'reviews')).out).toContain('"reviews" deleted')
    expect((await run('delete', 'destinationrule', 'reviews')).code).toBe(2)
  })

  test('load from a meshed client shows the circuit breaker: both 200 and 503', async () => {
    mesh.config.applyText(
      `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: httpbin}
spec:
  host: httpbin
  trafficPolicy:
    connectionPool:
      tcp: {maxConnections: 1}
      http: {http1MaxPendingRequests: 1, maxRequestsPerConnection: 1}
`,
      'cb.yaml',
    )
    const result = await run('load', '-c', '3', '-qps', '0', '-n', '30', '-loglevel', 'Warning', 'http://httpbin:8000/get')
    expect(result.code).toBe(0)
    expect(result.out).toMatch(/Code 200 : \d+ \(\d+\.\d %\)/)
    expect(result.out).toMatch(/Code 503 : \d+ \(\d+\.\d %\)/)
    expect(result.out).toMatch(/# target 50% \d+\.\d+/)
    mesh.config.delete('DestinationRule', 'httpbin')
  })

  test('export k8s writes the applied config, the cluster steps and the toxics in force', async () => {
    await run('apply', '-f', sample('destination-rule-all.yaml'), '-f', sample('virtual-service-reviews-test-v2.yaml'))
    await mesh.links!.api.addToxic('ratings-v1', { type: 'latency', attributes: { latency: 500 } })
    const io = captureIO()
    expect(await runCli(['export', 'k8s', '--admin', admin.url, '--toxiproxy', mesh.links!.url], io)).toBe(0)
    const text = io.out.join('\n')
    expect(text).toContain('istioctl install')
    expect(text).toContain('ratings-v1: latency')
    const docs = parseAllDocuments(text).map((d) => d.toJS()).filter(Boolean)
    const names = docs.map((d: { kind: string; metadata: { name: string } }) => `${d.kind}/${d.metadata.name}`)
    expect(names).toEqual(expect.arrayContaining(['Gateway/bookinfo-gateway', 'VirtualService/reviews', 'DestinationRule/ratings']))
    expect(docs.every((d: { metadata: Record<string, unknown> }) => d.metadata.creationTimestamp === undefined)).toBe(true)
    await mesh.links!.api.reset()
  })

  test('an unreachable admin API is one clear line', async () => {
    const io = captureIO()
    const code = await runCli(['get', 'vs', '--admin', 'http://127.0.0.1:1'], io)
    expect(code).toBe(1)
    expect(io.err.join()).toContain('cannot reach the admin API at http://127.0.0.1:1')
  })
})

describe('analyze (offline)', () => {
  const analyze = async (...files: string[]) => {
    const io = captureIO()
    const code = await runCli(['analyze', ...files.flatMap((f) => ['-f', join(SAMPLES_DIR, f)])], io)
    return { code, out: io.out.join('\n'), err: io.err.join('\n') }
  }

  test('Istio\'s samples pass; only the subsets for versions Bookinfo does not run are flagged (IST0173, warnings)', async () => {
    const result = await analyze('bookinfo-gateway.yaml', 'destination-rule-all.yaml', 'virtual-service-all-v1.yaml')
    expect(result.code).toBe(0)
    expect(result.err).toBe('')
    expect(result.out.split('\n').map((l) => /^Warning \[IST0173\] \(DestinationRule (\S+)\) \S+ The Subset (\S+) /.exec(l)?.slice(1).join(' '))).toEqual([
      'ratings.default v2', 'ratings.default v2-mysql', 'ratings.default v2-mysql-vm', 'details.default v2',
    ])
    expect((await analyze('bookinfo-gateway.yaml', 'destination-rule-reviews.yaml', 'virtual-service-reviews-v3.yaml')).out).toContain('No validation issues found')
  })

  test('Kubernetes objects in the files join the simulated cluster; --use-kube=false checks the files alone', async () => {
    const io = captureIO()
    const file = join(SAMPLES_DIR, 'bookinfo-gateway.yaml')
    expect(await runCli(['analyze', '--use-kube=false', '-f', file], io)).toBe(0)
    // istioctl's stand-in ingress Service exposes 80, 443, 31400 and 15443 only, and no Bookinfo Service exists
    expect(io.out.join('\n')).toMatch(/Warning \[IST0162\] \(Gateway bookinfo-gateway\.default\) spec\.servers\[0\]\.port\.number: .*port 8080/)
    expect(io.out.join('\n')).toMatch(/Warning \[IST0101\] \(VirtualService bookinfo\.default\) .*"productpage"/)
  })

  test('a subset no DestinationRule defines is IST0101, a warning', async () => {
    const result = await analyze('virtual-service-all-v1.yaml')
    expect(result.code).toBe(0)
    expect(result.out).toMatch(/Warning \[IST0101\] \(VirtualService reviews\.default\)/)
  })

  test('an unsupported kind is an error naming it and the supported kinds', async () => {
    const result = await analyze('egress-rule-google-apis.yaml')
    expect(result.code).toBe(1)
    expect(result.err).toContain('ServiceEntry')
    expect(result.err).toContain('VirtualService')
  })
})
