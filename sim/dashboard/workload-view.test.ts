import { describe, expect, test } from 'vitest'
import { BOOKINFO, snapshot, workloadStat } from './test-fixtures.ts'
import { MetricHistory } from './metric-history.ts'
import { workloadLines } from './workload-lines.ts'
import { sortWorkloads, workloadViews } from './workload-view.ts'
import { lineText } from './segments.ts'

describe('workload view', () => {
  test('rows follow the request path: ingress, productpage, details, reviews, ratings, then others by name', () => {
    const shuffled = [...BOOKINFO, { name: 'httpbin-v1', version: 'v1', meshed: '1/1' }].reverse()
    expect(sortWorkloads(shuffled).map((w) => w.name)).toEqual([
      'istio-ingressgateway', 'productpage-v1', 'details-v1', 'reviews-v1', 'reviews-v2', 'reviews-v3', 'ratings-v1', 'httpbin-v1',
    ])
  })

  test('numbers as linkerd viz stat prints them, health by Kiali thresholds, history attached', () => {
    const history = new MetricHistory()
    const stats = snapshot([
      workloadStat('productpage-v1', { rps: 2, successRate: 1, p50Ms: 12.4, p95Ms: 250, p99Ms: 12_300 }),
      workloadStat('reviews-v2', { successRate: 0.995 }),
      workloadStat('ratings-v1', { successRate: 0.5 }),
    ])
    history.record(BOOKINFO.map((w) => w.name), stats)
    const rows = workloadViews(BOOKINFO, stats, history)
    const pp = rows.find((r) => r.name === 'productpage-v1')!
    expect(pp).toMatchObject({ success: '100.00%', rps: '2.0rps', p50: '12ms', p95: '250ms', p99: '12.3s', health: 'healthy', rpsHistory: [2], p99History: [12_300] })
    expect(rows.find((r) => r.name === 'reviews-v2')!.health).toBe('degraded') // 0.5% 5xx ≥ 0.1%
    expect(rows.find((r) => r.name === 'ratings-v1')!.health).toBe('failing') // 50% > 10%
    expect(rows.find((r) => r.name === 'details-v1')).toMatchObject({ success: '-', rps: '-', p99: '-', health: 'idle' })
  })

  test('the table loses sparklines, then VERSION, then P50 as the panel narrows', () => {
    const history = new MetricHistory()
    const rows = workloadViews(BOOKINFO, snapshot(BOOKINFO.map((w) => workloadStat(w.name))), history)
    const header = (width: number) => lineText(workloadLines(rows, width)[0]!)
    expect(header(118)).toMatch(/NAME\s+VERSION\s+MESHED\s+SUCCESS\s+RPS\s+P50\s+P95\s+P99\s+RPS TREND\s+P99 TREND/)
    expect(header(86)).not.toContain('TREND')
    expect(header(86)).toContain('VERSION')
    expect(header(76)).toMatch(/NAME\s+MESHED\s+SUCCESS\s+RPS\s+P50\s+P95\s+P99/)
    expect(header(70)).not.toContain('P50')
    for (const w of [118, 86, 76, 70]) for (const l of workloadLines(rows, w)) expect(lineText(l).length).toBeLessThanOrEqual(w)
  })
})
