import { describe, expect, test } from 'vitest'
import { ConfigStore } from '../../mesh/control/index.ts'
import { sample } from '../../test/support/samples.ts'
import { configSummary, toxicText } from './config-summary.ts'

const store = (...files: string[]) => {
  const s = new ConfigStore()
  for (const f of files) s.applyText(sample(f), f)
  return s
}

describe('config summary', () => {
  test('VirtualServices, DestinationRules and Gateways in short form, as a teacher would say them', () => {
    const s = store('bookinfo-gateway.yaml', 'destination-rule-all.yaml', 'virtual-service-reviews-test-v2.yaml', 'virtual-service-ratings-test-delay.yaml')
    const lines = configSummary(s.snapshot(), {}).map((l) => `${l.kind} ${l.name}: ${l.summary}`)
    expect(lines).toEqual([
      'VS bookinfo@bookinfo-gateway: 5 paths→productpage',
      'VS reviews: jason→v2, *→v1',
      'VS ratings: jason→v1 [delay 7s], *→v1',
      'DR productpage: v1',
      'DR reviews: v1 v2 v3',
      'DR ratings: v1 v2 v2-mysql v2-mysql-vm',
      'DR details: v1 v2',
      'GW bookinfo-gateway: http:8080 *',
    ])
  })

  test('weights, aborts with a percentage, mirrors, timeouts, retries and traffic policies', () => {
    const s = store('virtual-service-reviews-80-20.yaml', 'virtual-service-ratings-test-abort.yaml')
    s.applyText(
      `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: details}
spec:
  hosts: [details]
  http:
  - route: [{destination: {host: details, subset: v1}}]
    mirror: {host: details, subset: v2}
    mirrorPercentage: {value: 50}
    timeout: 0.5s
    retries: {attempts: 3}
    fault: {abort: {percentage: {value: 50}, httpStatus: 503}}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: details}
spec:
  host: details
  trafficPolicy:
    loadBalancer: {simple: RANDOM}
    connectionPool: {tcp: {maxConnections: 1}, http: {http1MaxPendingRequests: 1}}
    outlierDetection: {consecutive5xxErrors: 1, interval: 1s}
  subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
`,
      'x.yaml',
    )
    const text = configSummary(s.snapshot(), {}).map((l) => `${l.kind} ${l.name}: ${l.summary}`)
    expect(text).toContain('VS reviews: *→v1 80% v2 20%')
    expect(text).toContain('VS ratings: jason→v1 [abort 500], *→v1')
    expect(text).toContain('VS details: *→v1 [abort 503 50%, mirror v2 50%, timeout 500ms, retries 3]')
    expect(text).toContain('DR details: v1 v2 · RANDOM · maxConn 1 · pending 1 · eject 1×5xx')
  })

  test('delegation: a root shows the routes it delegated, where from, and what it could not find', () => {
    const s = store('bookinfo-gateway.yaml')
    const vs = (name: string, namespace: string, spec: string) =>
      `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: ${name}, namespace: ${namespace}}\nspec: ${spec}\n---\n`
    s.applyText(
      vs('bookinfo', 'default', '{hosts: ["*"], gateways: [bookinfo-gateway], http: [{match: [{uri: {exact: /productpage}}], delegate: {name: productpage, namespace: frontend}}, {match: [{uri: {prefix: /api}}], delegate: {name: api}}]}') +
        vs('productpage', 'frontend', '{http: [{route: [{destination: {host: productpage.default.svc.cluster.local}}]}]}') +
        vs('spare', 'default', '{http: [{route: [{destination: {host: reviews}}]}]}'),
      'delegation.yaml',
    )
    expect(configSummary(s.snapshot(), {}).filter((l) => l.kind === 'VS').map((l) => `${l.name}: ${l.summary}`)).toEqual([
      'bookinfo@bookinfo-gateway: /productpage→productpage [via frontend/productpage], (delegate api not found)',
      'productpage: delegate of bookinfo: *→productpage',
      'spare: delegate (unused): *→reviews',
    ])
  })

  test('toxics per link, arrows for the stream, toxicity when below 1', () => {
    const lines = configSummary(new ConfigStore().snapshot(), {
      'reviews-v2': [],
      'ratings-v1': [
        { name: 'latency_downstream', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 500, jitter: 0 } },
        { name: 'bw', type: 'bandwidth', stream: 'upstream', toxicity: 0.5, attributes: { rate: 10 } },
      ],
    })
    expect(lines).toEqual([{ kind: 'toxic', name: 'ratings-v1', summary: 'latency 500ms ↓, bandwidth 10KB/s ↑ 50%' }])
    expect(toxicText({ name: 't', type: 'timeout', stream: 'downstream', toxicity: 1, attributes: { timeout: 0 } })).toBe('timeout (hang) ↓')
    expect(toxicText({ name: 't', type: 'reset_peer', stream: 'downstream', toxicity: 1, attributes: { timeout: 0 } })).toBe('reset_peer ↓')
    expect(configSummary(new ConfigStore().snapshot(), {})).toEqual([])
  })
})
