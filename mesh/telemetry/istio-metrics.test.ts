import { register as globalRegistry, Registry } from 'prom-client'
import { describe, expect, test } from 'vitest'
import { GATEWAY, PRODUCTPAGE, record } from '../../test/e2e/telemetry-fixtures.ts'
import { ENVOY_DEFAULT_BUCKETS } from './bucket-counts.ts'
import { IstioHttpMetrics } from './istio-metrics.ts'
import { parsePrometheusText, sampleSum, samplesOf } from './prometheus-text.ts'
import { UNKNOWN_WORKLOAD } from './record.ts'

describe('Istio HTTP metrics', () => {
  test('one series per label set, both reporters, valid exposition with Envoy buckets', async () => {
    const registry = new Registry()
    const metrics = new IstioHttpMetrics(registry)
    metrics.record(record())
    metrics.record(record({ durationMs: 30 }))
    metrics.record(record({ reporter: 'destination' }))
    metrics.record(record({ status: 503, flags: ['UF', 'URX'], durationMs: 2 }))
    const families = parsePrometheusText(await registry.metrics())
    expect(families.get('istio_requests_total')?.type).toBe('counter')
    expect(families.get('istio_request_duration_milliseconds')?.type).toBe('histogram')
    expect(families.get('istio_request_bytes')?.type).toBe('histogram')
    expect(families.get('istio_response_bytes')?.type).toBe('histogram')
    const source = { reporter: 'source', source_workload: 'productpage-v1', destination_workload: 'reviews-v2' }
    expect(sampleSum(families, 'istio_requests_total', { ...source, response_code: '200' })).toBe(2)
    expect(sampleSum(families, 'istio_requests_total', { ...source, response_code: '503', response_flags: 'UF,URX' })).toBe(1)
    expect(sampleSum(families, 'istio_requests_total', { reporter: 'destination' })).toBe(1)
    const les = samplesOf(families, 'istio_request_duration_milliseconds_bucket', { ...source, response_code: '200' }).map((s) => s.labels.le)
    expect(les).toEqual([...ENVOY_DEFAULT_BUCKETS.map(String), '+Inf'])
    expect(sampleSum(families, 'istio_request_duration_milliseconds_bucket', { ...source, response_code: '200', le: '10' })).toBe(1)
    expect(sampleSum(families, 'istio_request_duration_milliseconds_bucket', { ...source, response_code: '200', le: '50' })).toBe(2)
    expect(sampleSum(families, 'istio_request_duration_milliseconds_sum', { ...source, response_code: '200' })).toBeCloseTo(37.6)
    expect(metrics.seriesCount).toBe(3)
    expect(await globalRegistry.metrics()).not.toContain('istio_requests_total')
  })

  test("labels follow Istio's names and values: canonical names, FQDN parts, unknown peers, empty grpc status", async () => {
    const registry = new Registry()
    const metrics = new IstioHttpMetrics(registry)
    metrics.record(record())
    metrics.record(record({ reporter: 'destination', source: UNKNOWN_WORKLOAD, destination: PRODUCTPAGE, destinationService: 'productpage.default.svc.cluster.local' }))
    metrics.record(record({ source: GATEWAY, destination: { ...UNKNOWN_WORKLOAD, app: 'nosuch' }, destinationService: '', status: 404, flags: ['NR'] }))
    const families = parsePrometheusText(await registry.metrics())
    const [known] = samplesOf(families, 'istio_requests_total', { source_workload: 'productpage-v1' })
    expect(known!.labels).toEqual({
      reporter: 'source',
      source_workload: 'productpage-v1',
      source_canonical_service: 'productpage',
      source_canonical_revision: 'v1',
      source_workload_namespace: 'default',
      source_principal: 'unknown',
      source_app: 'productpage',
      source_version: 'v1',
      source_cluster: 'Kubernetes',
      destination_workload: 'reviews-v2',
      destination_workload_namespace: 'default',
      destination_principal: 'unknown',
      destination_app: 'reviews',
      destination_version: 'v2',
      destination_service: 'reviews.default.svc.cluster.local',
      destination_canonical_service: 'reviews',
      destination_canonical_revision: 'v2',
      destination_service_name: 'reviews',
      destination_service_namespace: 'default',
      destination_cluster: 'Kubernetes',
      request_protocol: 'http',
      response_code: '200',
      grpc_response_status: '',
      response_flags: '-',
      connection_security_policy: 'unknown',
    })
    const [outside] = samplesOf(families, 'istio_requests_total', { reporter: 'destination' })
    expect(outside!.labels).toMatchObject({ source_workload: 'unknown', source_canonical_service: 'unknown', source_canonical_revision: 'latest', source_cluster: 'unknown' })
    const [noRoute] = samplesOf(families, 'istio_requests_total', { response_flags: 'NR' })
    expect(noRoute!.labels).toMatchObject({
      source_canonical_service: 'istio-ingressgateway',
      source_canonical_revision: 'latest',
      destination_service: 'unknown',
      destination_service_name: 'unknown',
      destination_service_namespace: 'unknown',
      destination_workload: 'unknown',
      response_code: '404',
    })
  })

  test("size histograms record wire bytes (head and body, a GET is not 0) in Envoy's default buckets", async () => {
    const registry = new Registry()
    const metrics = new IstioHttpMetrics(registry)
    metrics.record(record({ requestBytes: 0, requestWireBytes: 212, responseBytes: 358, responseWireBytes: 520 }))
    const families = parsePrometheusText(await registry.metrics())
    const match = { reporter: 'source', destination_workload: 'reviews-v2' }
    expect(sampleSum(families, 'istio_request_bytes_sum', match)).toBe(212)
    expect(sampleSum(families, 'istio_response_bytes_sum', match)).toBe(520)
    // Istio sets no buckets of its own (only the sidecar.istio.io/statsHistogramBuckets annotation
    // does): sizes get Envoy's defaults, the same bounds as durations.
    for (const name of ['istio_request_bytes_bucket', 'istio_response_bytes_bucket']) {
      expect(samplesOf(families, name, match).map((s) => s.labels.le)).toEqual([...ENVOY_DEFAULT_BUCKETS.map(String), '+Inf'])
    }
    expect(sampleSum(families, 'istio_request_bytes_bucket', { ...match, le: '250' })).toBe(1)
    expect(sampleSum(families, 'istio_request_bytes_bucket', { ...match, le: '100' })).toBe(0)
  })

  test('buckets can be configured per metric-name prefix, as the statsHistogramBuckets annotation does', async () => {
    const registry = new Registry()
    const metrics = new IstioHttpMetrics(registry, { histogramBuckets: { 'istiocustom.istio_request_bytes': [100, 1000], istiocustom: [1, 5] } })
    metrics.record(record())
    const families = parsePrometheusText(await registry.metrics())
    expect(samplesOf(families, 'istio_request_bytes_bucket').map((s) => s.labels.le)).toEqual(['100', '1000', '+Inf'])
    expect(samplesOf(families, 'istio_response_bytes_bucket').map((s) => s.labels.le)).toEqual(['1', '5', '+Inf'])
    expect(samplesOf(families, 'istio_request_duration_milliseconds_bucket').map((s) => s.labels.le)).toEqual(['1', '5', '+Inf'])
  })

  test("a caller proven only by its certificate: unknown workload, namespace from its SPIFFE id, as Istio reads a peer's SAN", async () => {
    const registry = new Registry()
    const metrics = new IstioHttpMetrics(registry)
    const principal = 'spiffe://cluster.local/ns/shop/sa/cart'
    metrics.record(record({ reporter: 'destination', source: { ...UNKNOWN_WORKLOAD, principal }, connectionSecurityPolicy: 'mutual_tls' }))
    const [s] = samplesOf(parsePrometheusText(await registry.metrics()), 'istio_requests_total')
    expect(s!.labels).toMatchObject({ source_workload: 'unknown', source_principal: principal, source_workload_namespace: 'shop', source_app: 'unknown', connection_security_policy: 'mutual_tls' })
  })

  test('two meshes in one process keep separate registries', async () => {
    const a = new Registry()
    const b = new Registry()
    new IstioHttpMetrics(a).record(record())
    new IstioHttpMetrics(b)
    expect(sampleSum(parsePrometheusText(await a.metrics()), 'istio_requests_total')).toBe(1)
    expect(sampleSum(parsePrometheusText(await b.metrics()), 'istio_requests_total')).toBe(0)
  })
})
