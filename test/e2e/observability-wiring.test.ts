/**
 * The demo's and the workshop's observability wiring, over real sockets: one set of numbers per mesh
 * (the admin API, the dashboard's sources and the lesson checks read the same registry and the same
 * meshed clients), a meshed load client known to every view, and no TCP series for HTTP links.
 */
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { request } from 'undici'
import { parsePrometheusText, sampleSum, samplesOf } from '../../mesh/telemetry/prometheus-text.ts'
import { serveMesh, type ServedMesh } from '../../sim/mesh/serve-mesh.ts'
import { workloadInfos } from '../../sim/mesh/workload-infos.ts'
import { startScenarioSession } from '../../sim/scenario/session.ts'
import { scenarioLoader } from '../../sim/scenario/load-scenario.ts'
import { eventually, startTestMesh, type TestMesh } from '../support/mesh.ts'

const TCP_METRICS = ['istio_tcp_sent_bytes_total', 'istio_tcp_received_bytes_total', 'istio_tcp_connections_opened_total', 'istio_tcp_connections_closed_total']

const CIRCUIT_BREAKER = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: httpbin }
spec:
  host: httpbin
  trafficPolicy:
    connectionPool:
      tcp: { maxConnections: 1 }
      http: { http1MaxPendingRequests: 1, maxRequestsPerConnection: 1 }
`

const get = async (base: string, path: string) => {
  const res = await request(`${base}${path}`)
  return { status: res.statusCode, text: await res.body.text() }
}

describe('the demo wiring (serveMesh)', () => {
  let mesh: TestMesh
  let served: ServedMesh
  beforeAll(async () => {
    mesh = await startTestMesh({ withHttpbin: true })
    served = await serveMesh(mesh, { adminPort: 0, rps: 0, user: 'anonymous' })
  })
  afterAll(async () => {
    await served.close()
    await mesh.close()
  })

  test("HTTP links make no TCP series (Istio's TCP stats filter is on TCP proxy chains only), though their bytes cross the links", async () => {
    for (let i = 0; i < 3; i++) expect((await mesh.page()).status).toBe(200)
    expect(mesh.links!.tcpStats().some((l) => l.receivedBytes > 0)).toBe(true)
    const families = parsePrometheusText((await get(served.admin.url, '/metrics')).text)
    for (const name of TCP_METRICS) expect(samplesOf(families, name), name).toEqual([])
    expect(samplesOf(families, 'istio_requests_total', { source_workload: 'unknown' })).toEqual([])
  })

  test("Istio's circuit-breaking task, last step: fortio-v1 is a workload in stats, clusters, logs, metrics and the dashboard", async () => {
    mesh.config.applyText(CIRCUIT_BREAKER, 'httpbin-dr.yaml')
    const res = await request(`${served.admin.url}/load`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'http://httpbin:8000/get', concurrency: 3, requests: 30, qps: 0 }),
    })
    const run = (await res.body.json()) as { client: string; codes: Record<string, number> }
    expect(run.client).toBe('fortio-v1')
    expect(run.codes['503']).toBeGreaterThan(0)

    const stats = await get(served.admin.url, '/stats?workload=fortio-v1')
    expect(stats.status).toBe(200)
    const overflow = /^cluster\.outbound\|8000\|\|httpbin\.default\.svc\.cluster\.local\.upstream_rq_pending_overflow: (\d+)$/m.exec(stats.text)
    expect(Number(overflow?.[1])).toBe(run.codes['503'])
    const clusters = await get(served.admin.url, '/clusters?workload=fortio-v1')
    expect(clusters.status).toBe(200)
    expect(clusters.text).toContain('outbound|8000||httpbin.default.svc.cluster.local::default_priority::max_connections::1\n')
    // Envoy's per-host stats: the tries fortio's sidecar sent (only the 200s got through), one connection at a time.
    const hostStat = (stat: string) => [...clusters.text.matchAll(new RegExp(`^outbound\\|8000\\|\\|httpbin\\.default\\.svc\\.cluster\\.local::127\\.0\\.0\\.1:\\d+::${stat}::(\\d+)$`, 'gm'))].reduce((n, m) => n + Number(m[1]), 0)
    expect(hostStat('rq_total')).toBe(run.codes['200'])
    expect(hostStat('rq_success')).toBe(run.codes['200'])
    expect(hostStat('cx_total')).toBeGreaterThanOrEqual(1)
    expect(clusters.text).not.toMatch(/::outlier::times_ejected::|::outlier::consecutive_5xx::/)
    const logs = await get(served.admin.url, '/logs?workload=fortio-v1')
    expect(logs.status).toBe(200)
    expect(logs.text.split('\n').filter((l) => / 503 UO /.test(l))).toHaveLength(run.codes['503']!)
    const families = parsePrometheusText((await get(served.admin.url, '/metrics')).text)
    expect(sampleSum(families, 'envoy_cluster_upstream_rq_pending_overflow', { workload: 'fortio-v1' })).toBe(run.codes['503'])
    expect(sampleSum(families, 'istio_requests_total', { reporter: 'source', source_workload: 'fortio-v1', response_flags: 'UO' })).toBe(run.codes['503'])
    expect(samplesOf(families, 'istio_build', { workload: 'fortio-v1' })).toHaveLength(1)
    expect(workloadInfos(mesh).map((w) => w.name)).toContain('fortio-v1')
    const windows = JSON.parse((await get(served.admin.url, '/stats')).text) as { workloads: { name: string; requests: number }[] }
    expect(windows.workloads.find((w) => w.name === 'fortio-v1')?.requests).toBe(30)
  })
})

describe('the workshop wiring: a scenario session served like the demo', () => {
  test('one registry and one fortio-v1: lesson checks, /metrics and the dashboard read the same numbers', async () => {
    const scenario = scenarioLoader().load(fileURLToPath(new URL('../../scenarios/circuit-breaking.yaml', import.meta.url)))
    const session = await startScenarioSession(scenario)
    const served = await serveMesh(session.mesh, { adminPort: 0, rps: 0, user: 'anonymous' })
    try {
      const fortio = await session.client('fortio')
      const res = await request(`${served.admin.url}/load`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url: 'http://httpbin:8000/get', concurrency: 1, requests: 4, qps: 0 }),
      })
      expect(((await res.body.json()) as { codes: Record<string, number> }).codes).toEqual({ 200: 4 })
      // The admin API's load ran from the session's client, not from a second fortio-v1.
      expect(session.proxies().filter((p) => p.workload === 'fortio-v1')).toHaveLength(1)
      expect(fortio.name).toBe('fortio-v1')
      const fromAdmin = parsePrometheusText((await get(served.admin.url, '/metrics')).text)
      const fromLesson = parsePrometheusText(await session.metrics.metrics())
      const fortioCalls = { reporter: 'source', source_workload: 'fortio-v1' }
      expect(sampleSum(fromAdmin, 'istio_requests_total', fortioCalls)).toBe(4)
      expect(sampleSum(fromLesson, 'istio_requests_total', fortioCalls)).toBe(4)
      expect(sampleSum(fromLesson, 'envoy_cluster_upstream_rq_total', { workload: 'fortio-v1' })).toBe(4)
      expect(sampleSum(fromAdmin, 'envoy_cluster_upstream_rq_total', { workload: 'fortio-v1' })).toBe(4)
    } finally {
      await served.close()
      await session.close()
    }
  })
})
