/** Each check kind against a hand-made observation: pass/fail and the observed-vs-expected message. */
import { describe, expect, test } from 'vitest'
import { parsePrometheusText } from '../../../mesh/telemetry/prometheus-text.ts'
import type { RequestRecord } from '../../../mesh/telemetry/record.ts'
import type { ObservedResponse, Observation } from '../observation.ts'
import type { ScenarioSession } from '../session.ts'
import type { Check } from '../types.ts'
import { evaluateCheck } from './index.ts'
import { percentile } from './select.ts'

const page = (over: Partial<ObservedResponse> = {}): ObservedResponse => ({ user: 'anonymous', path: '/productpage', status: 200, body: '<p>Reviews served by: reviews-v1-abc</p>', ms: 20, ...over })
const ref = (workload: string) => ({ workload, app: workload.replace(/-v\d+$/, ''), version: 'v1', namespace: 'default', principal: 'unknown' })
const record = (over: Partial<RequestRecord> & { from: string; to: string }): RequestRecord =>
  ({
    reporter: 'source',
    source: ref(over.from),
    destination: ref(over.to),
    destinationService: `${over.to.replace(/-v\d+$/, '')}.default.svc.cluster.local`,
    status: 200,
    flags: new Set(),
    durationMs: 10,
    requestId: 'md-c1-0',
    ...over,
  }) as unknown as RequestRecord

const metrics = (text: string) => parsePrometheusText(text)
const COUNTER = (v: number) => `# TYPE istio_requests_total counter\nistio_requests_total{reporter="destination",destination_workload="httpbin-v2"} ${v}\n`

function observation(responses: ObservedResponse[], records: RequestRecord[] = [], before = COUNTER(0), after = COUNTER(0)): Observation {
  return { tag: 'md-c1', responses, records, metricsAtStart: metrics(before), metricsNow: async () => metrics(after), stop() {} }
}
const noSession = {} as ScenarioSession
const run = (check: Check, obs: Observation) => evaluateCheck(check, obs, noSession)

describe('response checks', () => {
  test('page: every page for the user must contain the text; the message counts them', async () => {
    const obs = observation([page({ user: 'jason', body: 'glyphicon glyphicon-star' }), page({ user: 'jason' }), page()])
    const [r] = await run({ kind: 'page', select: { user: 'jason' }, contains: ['glyphicon glyphicon-star'], notContains: [] }, obs)
    expect(r).toMatchObject({ passed: false, detail: '1 of 2 pages from /productpage for jason contain "glyphicon glyphicon-star"; expected all' })
    const [none] = await run({ kind: 'page', select: { user: 'anonymous' }, contains: [], notContains: ['glyphicon glyphicon-star'] }, obs)
    expect(none!.passed).toBe(true)
  })

  test('page with no matching pages fails: nothing was observed', async () => {
    const [r] = await run({ kind: 'page', select: { user: 'jason' }, contains: [], notContains: ['x'] }, observation([page()]))
    expect(r!.passed).toBe(false)
    expect(r!.detail).toContain('0 of 0 pages')
  })

  test('status: code means all; seen means each at least once', async () => {
    const obs = observation([page({ status: 200 }), page({ status: 503 }), page({ status: 200 })])
    const [all] = await run({ kind: 'status', select: {}, code: 200 }, obs)
    expect(all).toMatchObject({ passed: false, detail: 'codes of responses from /productpage: 200 ×2, 503 ×1; expected all 200' })
    const [seen] = await run({ kind: 'status', select: {}, seen: [200, 503, 504] }, obs)
    expect(seen!.passed).toBe(false)
    expect(seen!.detail).toContain('(no 504)')
  })

  test('share: the fraction with a property, against a band', async () => {
    const obs = observation([page({ body: 'Reviews served by: reviews-v3-x' }), page(), page(), page({ body: 'Reviews served by: reviews-v3-y' })])
    const [r] = await run({ kind: 'share', select: {}, where: { servedBy: 'v3' }, bound: { atLeast: 0.4, atMost: 0.6 } }, obs)
    expect(r).toMatchObject({ passed: true, detail: 'share of responses from /productpage served by reviews-v3 was 50% (2 of 4); expected between 40% and 60%' })
    const [low] = await run({ kind: 'share', select: {}, where: { status: 503 }, bound: { above: 0.1 } }, obs)
    expect(low!.passed).toBe(false)
  })
})

describe('latency and success rate', () => {
  test('percentiles are nearest-rank; the message says observed and expected in seconds', async () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2)
    expect(percentile([1, 2, 3, 4], 99)).toBe(4)
    expect(percentile([5], 'max')).toBe(5)
    const obs = observation([page({ user: 'jason', ms: 1020 }), page({ user: 'jason', ms: 990 }), page({ user: 'jason', ms: 1100 })])
    const [r] = await run({ kind: 'latency', select: { user: 'jason' }, percentiles: [{ percentile: 'p50', bound: { atLeast: 5500, atMost: 6500 } }] }, obs)
    expect(r).toMatchObject({ passed: false, detail: 'p50 of /productpage for jason was 1.02 s (3 samples); expected between 5.5 s and 6.5 s' })
  })

  test('record latency and success rate follow from/to/reporter (effective vs actual)', async () => {
    const records = [
      record({ from: 'reviews-v2', to: 'ratings-v1', status: 200, durationMs: 300 }),
      record({ from: 'reviews-v2', to: 'ratings-v1', status: 503, durationMs: 100 }),
      record({ from: 'reviews-v2', to: 'ratings-v1', status: 503, reporter: 'destination' }),
      record({ from: 'productpage-v1', to: 'reviews-v2', status: 200, durationMs: 900 }),
    ]
    const obs = observation([], records)
    const [rate] = await run({ kind: 'successRate', select: {}, records: { from: 'reviews-v2', to: 'ratings', reporter: 'source' }, bound: { atLeast: 0.9 } }, obs)
    expect(rate).toMatchObject({ passed: false, detail: "success rate of calls from reviews-v2 to ratings (caller's view, after retries) was 50% (1 of 2 not 5xx); expected at least 90%" })
    const [actual] = await run({ kind: 'successRate', select: {}, records: { to: 'ratings-v1', reporter: 'destination' }, bound: { atMost: 0.5 } }, obs)
    expect(actual!.passed).toBe(true)
    const [p99] = await run({ kind: 'latency', select: {}, records: { from: 'reviews', reporter: 'source' }, percentiles: [{ percentile: 'max', bound: { below: 301 } }] }, obs)
    expect(p99!.passed).toBe(true)
  })
})

describe('telemetry checks', () => {
  test('flags: some / all / none over the selected records', async () => {
    const records = [
      record({ from: 'fortio-v1', to: 'httpbin-v1', status: 503, flags: new Set(['UO']) as never }),
      record({ from: 'fortio-v1', to: 'httpbin-v1', status: 200 }),
    ]
    const obs = observation([], records)
    expect((await run({ kind: 'flags', records: { from: 'fortio-v1', to: 'httpbin', reporter: 'source' }, flag: 'UO', quantifier: 'some' }, obs))[0]!.passed).toBe(true)
    expect((await run({ kind: 'flags', records: { from: 'fortio-v1', reporter: 'source', status: 503 }, flag: 'UO', quantifier: 'all' }, obs))[0]!.passed).toBe(true)
    const [none] = await run({ kind: 'flags', records: { from: 'fortio-v1', reporter: 'source' }, flag: 'UO', quantifier: 'none' }, obs)
    expect(none).toMatchObject({ passed: false, detail: "1 of 2 calls from fortio-v1 (caller's view, after retries) carry UO; expected none" })
  })

  test('metric: the increase during the check, or the value at its end', async () => {
    const obs = observation([], [], COUNTER(3), COUNTER(8))
    const labels = { reporter: 'destination', destination_workload: 'httpbin-v2' }
    const [inc] = await run({ kind: 'metric', name: 'istio_requests_total', labels, measure: 'increase', bound: { equals: 10 } }, obs)
    expect(inc).toMatchObject({
      passed: false,
      detail: 'increase of istio_requests_total{destination_workload="httpbin-v2",reporter="destination"} during the check was 5; expected exactly 10',
    })
    const [value] = await run({ kind: 'metric', name: 'istio_requests_total', labels, measure: 'value', bound: { equals: 8 } }, obs)
    expect(value!.passed).toBe(true)
    const [missing] = await run({ kind: 'metric', name: 'istio_requets_total', labels: {}, measure: 'value', bound: { atLeast: 1 } }, obs)
    expect(missing!.detail).toContain('no metric named istio_requets_total is exported')
  })
})
