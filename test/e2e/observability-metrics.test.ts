/** `/metrics` over a running Bookinfo: valid exposition, counts that match the traffic, FI and retry series. */
import { connect } from 'node:net'
import { once } from 'node:events'
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

  test('istio_build: one gauge per proxy with component="proxy" and the Istio tag, as the mesh dashboard counts them', async () => {
    const families = await scrape(m)
    expect(families.get('istio_build')?.type).toBe('gauge')
    const builds = samplesOf(families, 'istio_build', { component: 'proxy' })
    expect(builds.map((s) => s.labels.workload).sort()).toEqual(['details-v1', 'istio-ingressgateway', 'productpage-v1', 'ratings-v1', 'reviews-v1', 'reviews-v2', 'reviews-v3'])
    for (const b of builds) {
      expect(b.value).toBe(1)
      expect(b.labels.tag).toMatch(/^1\.\d+\.\d+$/)
    }
  })

  test('request and response sizes are the bytes on the wire, head included: exact for a raw HTTP/1.1 request', async () => {
    const before = await scrape(m)
    const gateway = { reporter: 'source', source_workload: 'istio-ingressgateway' }
    const { port } = new URL(m.mesh.ingressUrl)
    const sent = `GET /productpage HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nuser-agent: wire-test\r\nconnection: keep-alive\r\n\r\n`
    const socket = connect(Number(port), '127.0.0.1')
    await once(socket, 'connect')
    const reports = m.mesh.records.length
    socket.write(sent)
    let received = Buffer.alloc(0)
    socket.on('data', (chunk: Buffer) => (received = Buffer.concat([received, chunk])))
    const gatewayReported = () => m.mesh.records.slice(reports).find((r) => r.reporter === 'source' && r.source.workload === 'istio-ingressgateway')
    const record = await eventually(() => gatewayReported(), 'the gateway report')
    await eventually(() => {
      const head = received.indexOf('\r\n\r\n')
      const length = Number(/content-length: (\d+)/i.exec(received.subarray(0, head).toString('latin1'))?.[1])
      return head > 0 && received.length >= head + 4 + length ? true : undefined
    }, 'the whole response')
    socket.destroy()
    expect(record.requestBytes).toBe(0) // %BYTES_RECEIVED% stays the body
    const after = await scrape(m)
    const delta = (name: string) => sampleSum(after, name, gateway) - sampleSum(before, name, gateway)
    expect(delta('istio_request_bytes_sum')).toBe(Buffer.byteLength(sent))
    expect(delta('istio_response_bytes_sum')).toBe(received.length)
    expect(samplesOf(after, 'istio_request_bytes_bucket', gateway).map((s) => s.labels.le).slice(0, 3)).toEqual(['0.5', '1', '5'])
  })

  test("Istio's ratings abort for jason shows as response_flags=\"FI\" at reviews-v2's sidecar", async () => {
    await m.applySamples('destination-rule-all.yaml', 'virtual-service-all-v1.yaml', 'virtual-service-reviews-test-v2.yaml', 'virtual-service-ratings-test-abort.yaml')
    const cookie = await m.mesh.login('jason')
    const page = await m.mesh.page('/productpage', { cookie })
    expect(servedBy(page.body)).toBe('v2')
    expect(page.body).toContain('Ratings service is currently unavailable')
    const fi = { reporter: 'source', source_workload: 'reviews-v2', response_flags: 'FI' }
    const families = await eventually(async () => {
      const f = await scrape(m)
      return sampleSum(f, 'istio_requests_total', fi) > 0 ? f : undefined
    }, 'an FI series')
    // Istio's client-side stats with no upstream reached: the service comes from the route's cluster
    // metadata; every peer label (the namespace included) has no peer to come from.
    expect(samplesOf(families, 'istio_requests_total', fi)[0]!.labels).toMatchObject({
      response_code: '500',
      destination_service: 'ratings.default.svc.cluster.local',
      destination_service_name: 'ratings',
      destination_service_namespace: 'unknown',
      destination_workload: 'unknown',
      destination_workload_namespace: 'unknown',
      destination_app: 'unknown',
      destination_version: 'unknown',
      destination_canonical_service: 'unknown',
      destination_canonical_revision: 'latest',
      destination_cluster: 'unknown',
      destination_principal: 'unknown',
      source_principal: 'unknown',
    })
    // Kiali's service health for ratings (destination_service_name + destination_service_namespace)
    // does not count them, as it would not on a cluster.
    expect(sampleSum(families, 'istio_requests_total', { destination_service_name: 'ratings', destination_service_namespace: 'default', response_flags: 'FI' })).toBe(0)
    // The abort is a local reply at the caller: ratings' own sidecar never saw those requests.
    expect(sampleSum(families, 'istio_requests_total', { reporter: 'destination', destination_workload: 'ratings-v1', response_flags: 'FI' })).toBe(0)
  })
})
