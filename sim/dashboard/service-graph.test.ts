import { describe, expect, test } from 'vitest'
import { ConfigStore } from '../../mesh/control/index.ts'
import type { EdgeStats } from '../../mesh/telemetry/stats.ts'
import { sample } from '../../test/support/samples.ts'
import { routeBadges } from './edge-badges.ts'
import { BOOKINFO, bookinfoStats, edgeStat, snapshot } from './test-fixtures.ts'
import { graphLines } from './graph-lines.ts'
import { lineText } from './segments.ts'
import { serviceGraph, type GraphInputs } from './service-graph.ts'

const noBadges = { faults: new Map(), mirrors: new Map(), toxics: new Map(), breakers: new Map(), secure: new Set<string>() }
const graph = (over: Partial<GraphInputs> = {}) =>
  serviceGraph({ workloads: BOOKINFO, edges: bookinfoStats().edges, mirrored: new Map(), badges: noBadges, ...over })
const text = (g: ReturnType<typeof graph>, width = 100) => graphLines(g, width).map((l) => lineText(l).trimEnd())

describe('service graph', () => {
  test('Bookinfo as a tree of edges from the ingress, in request order, with per-edge numbers and shares', () => {
    const g = graph()
    expect(g.rows.map((r) => `${r.prefix}${r.node}`)).toEqual([
      'istio-ingressgateway',
      '┗━▶ productpage-v1',
      '    ┣━▶ details-v1',
      '    ┣━▶ reviews-v1',
      '    ┣━▶ reviews-v2',
      '    ┃   ┗━▶ ratings-v1',
      '    ┗━▶ reviews-v3',
      '        ┗━▶ ratings-v1',
    ])
    expect(g.rows.map((r) => r.depth)).toEqual([0, 1, 2, 2, 2, 3, 2, 3])
    const v2 = g.rows.find((r) => r.node === 'reviews-v2')!
    expect(v2).toMatchObject({ rps: '1.0', errors: '0.0%', share: '33%', health: 'healthy', kind: 'workload' })
    expect(g.rows.find((r) => r.node === 'details-v1')!.share).toBe('') // the only destination of its service
  })

  test('idle edges of the known call graph are drawn, a fault abort shows as a local reply with its error rate', () => {
    const edges = [
      edgeStat('istio-ingressgateway', 'productpage-v1'),
      edgeStat('productpage-v1', 'reviews-v3', { requests: 40, rps: 4 }),
      edgeStat('reviews-v3', 'ratings-v1', { requests: 10, rps: 1 }),
      edgeStat('reviews-v3', 'ratings', { requests: 30, rps: 3, successRate: 0, flags: { FI: 30 } }),
      edgeStat('reviews-v2', 'ratings', { requests: 0, rps: 0 }), // a local reply that stopped: dropped
    ]
    const g = graph({ edges })
    expect(g.rows.find((r) => r.node === 'reviews-v1')).toMatchObject({ rps: '-', errors: '-', share: '0%', health: 'idle' })
    expect(g.rows.find((r) => r.node === 'reviews-v3')!.share).toBe('100%')
    const local = g.rows.find((r) => r.kind === 'local')!
    expect(local).toMatchObject({ node: 'ratings', rps: '3.0', errors: '100.0%', share: '75%', health: 'failing' })
    expect(local.badges.map((b) => b.code)).toEqual(['FI'])
    expect(g.rows.filter((r) => r.kind === 'local')).toHaveLength(1)
    expect(text(g).join('\n')).toContain('ratings (local reply)')
  })

  test('badges: fault from the VirtualService, toxic on the link, breaker from flags and counters, mTLS', () => {
    const config = new ConfigStore()
    config.applyText(sample('virtual-service-ratings-test-abort.yaml'), 'abort.yaml')
    // Stats without an mTLS share (before mTLS existed): the request records' policy is the fallback.
    const withoutShare = (e: EdgeStats) => Object.fromEntries(Object.entries(e).filter(([k]) => k !== 'mtls')) as unknown as EdgeStats
    const edges = [
      ...bookinfoStats().edges.filter((e) => e.destination !== 'details-v1' && e.destination !== 'productpage-v1'),
      withoutShare(edgeStat('istio-ingressgateway', 'productpage-v1')),
      edgeStat('productpage-v1', 'details-v1', { flags: { '-': 10, UO: 5 }, mtls: 1 }),
    ]
    const g = graph({
      edges,
      badges: {
        ...routeBadges(config.snapshot()),
        toxics: new Map([['reviews-v2', 'latency 500ms ↓']]),
        breakers: new Map([['productpage-v1>reviews', 'ejected' as const]]),
        secure: new Set(['istio-ingressgateway>productpage-v1']),
      },
    })
    const codes = (node: string) => g.rows.filter((r) => r.node === node).map((r) => r.badges.map((b) => b.code).join(' '))
    expect(codes('ratings-v1')).toEqual(['FI', 'FI'])
    expect(g.rows.find((r) => r.node === 'ratings-v1')!.badges[0]!.label).toBe('abort 500 jason')
    expect(codes('reviews-v2')).toEqual(['EJ TOX'])
    expect(codes('details-v1')).toEqual(['CB mTLS'])
    expect(codes('productpage-v1')).toEqual(['mTLS'])
    expect(g.mtls).toBe('some')
    expect(text(g, 110).find((l) => l.includes('reviews-v2'))).toMatch(/EJ ejected\s+TOX latency 500ms ↓/)
    expect(text(g, 58).find((l) => l.includes('reviews-v2'))).toMatch(/EJ\s+TOX$/)
  })

  test('when every edge with traffic is mTLS it is said once, not on every row', () => {
    const edges = bookinfoStats().edges.map((e) => ({ ...e, mtls: 1 }))
    const g = graph({ edges })
    expect(g.mtls).toBe('all')
    expect(g.rows.flatMap((r) => r.badges)).toEqual([])
  })

  test('mirrored copies get their own row; roots other than the ingress; workloads with no edges are listed idle', () => {
    const workloads = [...BOOKINFO, { name: 'httpbin-v1', version: 'v1', meshed: '1/1' }, { name: 'httpbin-v2', version: 'v2', meshed: '1/1' }]
    const edges = [...bookinfoStats().edges, edgeStat('fortio', 'httpbin-v1', { destinationService: 'httpbin' })]
    const g = graph({ workloads, edges, mirrored: new Map([['fortio>httpbin-v2', 2.5]]) })
    const tail = g.rows.slice(-3).map((r) => `${r.prefix}${r.node} ${r.kind} ${r.rps}`)
    expect(tail).toEqual(['fortio root ', '┣━▶ httpbin-v1 workload 2.0', '┗━▶ httpbin-v2 mirror 2.5'])
    const idle = serviceGraph({ workloads, edges: bookinfoStats().edges, mirrored: new Map(), badges: noBadges })
    expect(idle.rows.slice(-2).map((r) => `${r.node} ${r.kind}`)).toEqual(['httpbin-v1 idle', 'httpbin-v2 idle'])
  })

  test('no stats at all still shows Bookinfo, idle', () => {
    const g = graph({ edges: snapshot([]).edges })
    expect(g.rows).toHaveLength(8)
    expect(g.rows.every((r) => r.health === 'idle')).toBe(true)
  })

  test('text layout: aligned columns that fit the width, header first', () => {
    for (const width of [100, 60, 46]) {
      const lines = text(graph(), width)
      expect(lines[0]).toMatch(/^EDGE\s+RPS\s+ERR\s+SHARE/)
      for (const l of lines) expect([...l].length).toBeLessThanOrEqual(width)
    }
  })

  test('a fault inside a delegate VirtualService badges the edge, as the merged routes apply it', () => {
    const config = new ConfigStore()
    config.applyText(
      `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ratings}
spec:
  hosts: [ratings]
  http:
  - match: [{uri: {prefix: /ratings}}]
    delegate: {name: ratings-faults}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ratings-faults}
spec:
  http:
  - fault: {abort: {httpStatus: 500, percentage: {value: 100}}}
    route: [{destination: {host: ratings}}]
`,
      'delegate.yaml',
    )
    expect(routeBadges(config.snapshot()).faults.get('ratings')).toMatchObject({ abort: true })
  })
})
