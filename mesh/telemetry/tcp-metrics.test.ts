import { Registry } from 'prom-client'
import { expect, test } from 'vitest'
import { PRODUCTPAGE, RATINGS, REVIEWS_V2 } from '../../test/e2e/telemetry-fixtures.ts'
import { parsePrometheusText, sampleSum, samplesOf } from './prometheus-text.ts'
import { IstioTcpMetrics, tcpProxiedLinks, type TcpLinkStats, type TcpStatsSource } from './tcp-metrics.ts'

/** A stand-in for the Toxiproxy links: totals that grow between scrapes. */
function fakeLinks(): TcpStatsSource & { links: TcpLinkStats[] } {
  const links: TcpLinkStats[] = []
  return { links, tcpStats: () => links }
}

test('TCP totals are read from the sources at scrape time, under both reporters unless one is named', async () => {
  const registry = new Registry()
  const tcp = new IstioTcpMetrics(registry)
  const source = fakeLinks()
  const remove = tcp.add(source)
  const link = { source: PRODUCTPAGE, destination: REVIEWS_V2, destinationService: 'reviews.default.svc.cluster.local' }
  source.links.push({ ...link, receivedBytes: 120, sentBytes: 4000, connectionsOpened: 2, connectionsClosed: 1 })
  source.links.push({ source: REVIEWS_V2, destination: RATINGS, destinationService: 'ratings.default.svc.cluster.local', reporter: 'destination', receivedBytes: 10, sentBytes: 20, connectionsOpened: 1, connectionsClosed: 1 })

  let families = parsePrometheusText(await registry.metrics())
  for (const name of ['istio_tcp_sent_bytes_total', 'istio_tcp_received_bytes_total', 'istio_tcp_connections_opened_total', 'istio_tcp_connections_closed_total']) {
    expect(families.get(name)?.type).toBe('counter')
  }
  const toReviews = { destination_workload: 'reviews-v2', source_workload: 'productpage-v1' }
  expect(sampleSum(families, 'istio_tcp_sent_bytes_total', { ...toReviews, reporter: 'source' })).toBe(4000)
  expect(sampleSum(families, 'istio_tcp_sent_bytes_total', { ...toReviews, reporter: 'destination' })).toBe(4000)
  expect(sampleSum(families, 'istio_tcp_received_bytes_total', { ...toReviews, reporter: 'source' })).toBe(120)
  expect(sampleSum(families, 'istio_tcp_connections_opened_total', { ...toReviews, reporter: 'source' })).toBe(2)
  expect(samplesOf(families, 'istio_tcp_sent_bytes_total', { destination_workload: 'ratings-v1' }).map((s) => s.labels.reporter)).toEqual(['destination'])
  const [labels] = samplesOf(families, 'istio_tcp_connections_closed_total', toReviews).map((s) => s.labels)
  expect(labels).toMatchObject({ request_protocol: 'tcp', response_flags: '-', connection_security_policy: 'unknown', destination_service_name: 'reviews' })
  expect(labels).not.toHaveProperty('response_code')

  source.links[0] = { ...source.links[0]!, sentBytes: 9000 }
  families = parsePrometheusText(await registry.metrics())
  expect(sampleSum(families, 'istio_tcp_sent_bytes_total', { ...toReviews, reporter: 'source' })).toBe(9000)

  remove()
  expect(sampleSum(parsePrometheusText(await registry.metrics()), 'istio_tcp_sent_bytes_total')).toBe(0)
})

test('only links the sidecars proxy as TCP make TCP series: an HTTP link makes none', async () => {
  const registry = new Registry()
  const tcp = new IstioTcpMetrics(registry)
  const source = fakeLinks()
  const totals = { receivedBytes: 10, sentBytes: 20, connectionsOpened: 1, connectionsClosed: 0 }
  source.links.push({ source: PRODUCTPAGE, destination: REVIEWS_V2, destinationService: 'reviews.default.svc.cluster.local', ...totals })
  source.links.push({ source: REVIEWS_V2, destination: RATINGS, destinationService: 'mongodb.default.svc.cluster.local', ...totals })
  tcp.add(tcpProxiedLinks(source, (link) => (link.destinationService.startsWith('mongodb.') ? 'tcp' : 'http')))
  const families = parsePrometheusText(await registry.metrics())
  expect(samplesOf(families, 'istio_tcp_sent_bytes_total').map((s) => s.labels.destination_service)).toEqual(['mongodb.default.svc.cluster.local', 'mongodb.default.svc.cluster.local'])
})
