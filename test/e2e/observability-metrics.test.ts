/** `/metrics` over a running Bookinfo: valid exposition, counts that match the traffic, FI and retry series. */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { parsePrometheusText, sampleSum, samplesOf } from '../../mesh/telemetry/prometheus-text.ts'
import { eventually, servedBy } from '../support/mesh.ts'
import { startObservedMesh, type ObservedMesh } from './telemetry-harness.ts'

const scrape = async (m: ObservedMesh) => {
  const res = await m.get('/metrics')
  expect(res.status).toBe(200)
  expect(String(res.headers['content-type'])).toMatch(/^text\/plain; version=0\.0\.4/)
  return parsePrometheusText(res.text)
}

describe('Istio metrics from a running mesh', () => {
  let m: ObservedMesh
  beforeAll(async () => {
    m = await startObservedMesh()
  })
  afterAll(() => m.close())

  test('after N page loads, productpage → reviews-v2 (source, 200) equals the calls the sidecars reported', async () => {
    const N = 30
    for (let i = 0; i < N; i++) expect((await m.mesh.page()).status).toBe(200)
    const pages = () => m.mesh.records.filter((r) => r.reporter === 'source' && r.source.workload === 'istio-ingressgateway').length
    await eventually(() => (pages() >= N ? true : undefined), `${N} ingress records`)
    const calls = m.mesh.records.filter(
      (r) => r.reporter === 'source' && r.source.workload === 'productpage-v1' && r.destination.workload === 'reviews-v2' && r.status === 200,
    ).length
    expect(calls).toBeGreaterThan(0)
    const families = await scrape(m)
    const match = { reporter: 'source', source_workload: 'productpage-v1', destination_workload: 'reviews-v2', response_code: '200' }
    expect(sampleSum(families, 'istio_requests_total', match)).toBe(calls)
    expect(sampleSum(families, 'istio_request_duration_milliseconds_count', match)).toBe(calls)
    expect(sampleSum(families, 'istio_requests_total', { reporter: 'destination', destination_workload: 'productpage-v1', source_workload: 'istio-ingressgateway' })).toBe(N)
    expect(sampleSum(families, 'istio_response_bytes_sum', { reporter: 'destination', destination_workload: 'productpage-v1' })).toBeGreaterThan(N * 1000)
    // The Envoy cluster counters are there for every caller, gateway included.
    expect(sampleSum(families, 'envoy_cluster_upstream_rq_total', { workload: 'istio-ingressgateway' })).toBe(N)
    const used = samplesOf(families, 'envoy_cluster_upstream_rq_total', { workload: 'productpage-v1' }).filter((s) => s.value > 0)
    expect(used.map((s) => s.labels.cluster_name).sort()).toEqual([
      'outbound|9080||details.default.svc.cluster.local',
      'outbound|9080||reviews.default.svc.cluster.local',
    ])
    expect(await m.get('/stats/prometheus')).toMatchObject({ status: 200 })
  })

  test("Istio's ratings abort for jason shows as response_flags=\"FI\" at reviews-v2's sidecar", async () => {
    await m.applySamples('destination-rule-all.yaml', 'virtual-service-all-v1.yaml', 'virtual-service-reviews-test-v2.yaml', 'virtual-service-ratings-test-abort.yaml')
    const cookie = await m.mesh.login('jason')
    const page = await m.mesh.page('/productpage', { cookie })
    expect(servedBy(page.body)).toBe('v2')
    expect(page.body).toContain('Ratings service is currently unavailable')
    // destination_service is "unknown" for now: the route table sets it after the fault filter ran.
    const fi = { reporter: 'source', source_workload: 'reviews-v2', response_flags: 'FI' }
    const families = await eventually(async () => {
      const f = await scrape(m)
      return sampleSum(f, 'istio_requests_total', fi) > 0 ? f : undefined
    }, 'an FI series')
    expect(samplesOf(families, 'istio_requests_total', fi)[0]!.labels).toMatchObject({ response_code: '500', destination_workload: 'unknown' })
    // The abort is a local reply at the caller: ratings' own sidecar never saw those requests.
    expect(sampleSum(families, 'istio_requests_total', { reporter: 'destination', destination_workload: 'ratings-v1', response_flags: 'FI' })).toBe(0)
  })
})
