/**
 * Retries as the gap between Istio's two reporters: the caller's sidecar reports one request per
 * call (URX), the callee's every try (UF), and the caller's Envoy counts the retries.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { parsePrometheusText, sampleSum, samplesOf } from '../../mesh/telemetry/prometheus-text.ts'
import { eventually } from '../support/mesh.ts'
import { startObservedMesh, type ObservedMesh } from './telemetry-harness.ts'

const scrape = async (m: ObservedMesh) => parsePrometheusText((await m.get('/metrics')).text)

describe('retries as the gap between reporters', () => {
  let m: ObservedMesh
  beforeAll(async () => {
    m = await startObservedMesh({ notReadyAfterMs: 60_000 })
  })
  afterAll(() => m.close())

  test('ratings down with attempts: 3 → four tries reach its sidecar per call reviews-v2 makes', async () => {
    await m.applySamples('destination-rule-all.yaml')
    m.mesh.config.applyText(
      `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews }
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: { host: reviews, subset: v2 }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ratings }
spec:
  hosts: [ratings]
  http:
  - route:
    - destination: { host: ratings, subset: v1 }
    retries: { attempts: 3, retryOn: 5xx }
`,
      'retries.yaml',
    )
    await m.mesh.workload('ratings-v1').kill()
    const pages = 5
    for (let i = 0; i < pages; i++) expect((await m.mesh.page()).body).toContain('Ratings service is currently unavailable')
    const match = { destination_service: 'ratings.default.svc.cluster.local', response_code: '503' }
    const families = await eventually(async () => {
      const f = await scrape(m)
      return sampleSum(f, 'istio_requests_total', { ...match, reporter: 'destination' }) >= pages * 4 ? f : undefined
    }, 'every try at the destination')
    const source = samplesOf(families, 'istio_requests_total', { ...match, reporter: 'source' })
    expect(source.reduce((n, s) => n + s.value, 0)).toBe(pages)
    expect(source.map((s) => s.labels.response_flags)).toEqual(['URX'])
    const destination = samplesOf(families, 'istio_requests_total', { ...match, reporter: 'destination' })
    expect(destination.reduce((n, s) => n + s.value, 0)).toBe(pages * 4)
    expect(destination.map((s) => s.labels.response_flags)).toEqual(['UF'])
    // The caller's Envoy counted the retries too.
    expect(sampleSum(families, 'envoy_cluster_upstream_rq_retry', { workload: 'reviews-v2', cluster_name: 'outbound|9080|v1|ratings.default.svc.cluster.local' })).toBe(pages * 3)
    await m.mesh.workload('ratings-v1').restart()
  })
})
