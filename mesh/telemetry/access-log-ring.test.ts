import { expect, test } from 'vitest'
import { record } from '../../test/e2e/telemetry-fixtures.ts'
import { AccessLogRing } from './access-log-ring.ts'

test('keeps the newest lines, filters by the reporting sidecar, and feeds subscribers until they leave', () => {
  const ring = new AccessLogRing(3)
  const seen: string[] = []
  const stop = ring.subscribe({ workload: 'reviews-v2' }, (r) => seen.push(r.path))
  ring.subscribe({}, () => {
    throw new Error('a broken reader')
  })
  for (let i = 0; i < 5; i++) ring.record(record({ path: `/reviews/${i}`, reporter: i % 2 ? 'destination' : 'source' }))
  expect(ring.entries().map((r) => r.path)).toEqual(['/reviews/2', '/reviews/3', '/reviews/4'])
  expect(ring.entries({}, 2).map((r) => r.path)).toEqual(['/reviews/3', '/reviews/4'])
  // Source records are productpage-v1's; destination records are reviews-v2's.
  expect(ring.entries({ workload: 'reviews-v2' }).map((r) => r.path)).toEqual(['/reviews/3'])
  expect(seen).toEqual(['/reviews/1', '/reviews/3'])
  stop()
  ring.record(record({ reporter: 'destination', path: '/after' }))
  expect(seen).toHaveLength(2)
  expect(ring.subscriberCount).toBe(1)
})
