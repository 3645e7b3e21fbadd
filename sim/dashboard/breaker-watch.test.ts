import { describe, expect, test } from 'vitest'
import { BreakerWatch, serviceOf } from './breaker-watch.ts'

const sample = (overflows: number, ejectionsActive = 0) => [
  { workload: 'productpage-v1', cluster: 'outbound|9080|v1|reviews.default.svc.cluster.local', overflows, ejectionsActive },
  { workload: 'productpage-v1', cluster: 'outbound|9080|v2|reviews.default.svc.cluster.local', overflows: 0, ejectionsActive: 0 },
]

describe('circuit breaking from cluster counters', () => {
  test('overflow while upstream_rq_pending_overflow grew in the last 10 s; ejected while a host is out', () => {
    const w = new BreakerWatch()
    w.update(sample(3), 0) // first sight: a baseline, not an event
    expect(w.current(0)).toEqual(new Map())
    w.update(sample(5), 1_000)
    expect(w.current(1_000)).toEqual(new Map([['productpage-v1>reviews', 'overflow']]))
    w.update(sample(5), 5_000)
    expect(w.current(10_999).get('productpage-v1>reviews')).toBe('overflow')
    expect(w.current(11_000).size).toBe(0)
    w.update(sample(5, 1), 12_000)
    expect(w.current(12_000)).toEqual(new Map([['productpage-v1>reviews', 'ejected']]))
    w.update(sample(5, 0), 13_000)
    expect(w.current(13_000).size).toBe(0)
  })

  test('cluster names → services', () => {
    expect(serviceOf('outbound|9080|v1|reviews.default.svc.cluster.local')).toBe('reviews')
    expect(serviceOf('outbound|8000||httpbin.default.svc.cluster.local')).toBe('httpbin')
  })
})
