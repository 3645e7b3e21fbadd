import { describe, expect, test } from 'vitest'
import type { ResponseFlag } from '../../mesh/flags.ts'
import type { RequestRecord } from '../../mesh/telemetry/record.ts'
import { RecordTap } from './record-tap.ts'
import { compileFilter, tapLine, tapView, timeOfDay } from './tap-view.ts'

const ref = (workload: string) => ({ workload, app: workload.replace(/-v\d$/, ''), version: 'v1', namespace: 'default', principal: 'unknown' })
function record(source: string, destination: string, over: Partial<RequestRecord> & { flagList?: ResponseFlag[] } = {}): RequestRecord {
  const { flagList = [], ...rest } = over
  return {
    reporter: 'source', source: ref(source), destination: ref(destination), destinationService: `${destination.replace(/-v\d$/, '')}.default.svc.cluster.local`,
    method: 'GET', path: '/ratings/0', authority: 'ratings:9080', protocol: 'HTTP/1.1', status: 200, flags: new Set(flagList), details: 'via_upstream',
    startEpochMs: Date.UTC(2026, 0, 1, 12), durationMs: 12.4, requestBytes: 0, responseBytes: 10, requestWireBytes: 90, responseWireBytes: 160, requestId: 'r', userAgent: 'ua', forwardedFor: '',
    upstreamHost: '', upstreamCluster: '', routeName: 'default', attempts: 1, mirrored: false, connectionSecurityPolicy: 'unknown', ...rest,
  }
}

describe('tap', () => {
  test('a request as one short line: who called whom, status, flags, duration, user', () => {
    const line = tapLine(record('reviews-v2', 'ratings-v1', { status: 500, flagList: ['FI'], durationMs: 0.2, endUser: 'jason' }))
    const time = timeOfDay(Date.UTC(2026, 0, 1, 12))
    expect(line).toMatchObject({ source: 'reviews-v2', destination: 'ratings-v1', status: 500, flags: 'FI', durationMs: 0, user: 'jason', health: 'failing' })
    expect(line.text).toBe(`${time} reviews-v2 → ratings-v1 GET /ratings/0 500 FI 0ms jason`)
    expect(tapLine(record('istio-ingressgateway', 'unknown', { destinationService: 'ratings.default.svc.cluster.local', status: 503, flagList: ['UH'] }))).toMatchObject({ source: 'ingress', destination: 'ratings' })
    expect(tapLine(record('a', 'b', { flagList: ['DI'] })).health).toBe('degraded')
  })

  test('/ filters by regex, ignoring case; an invalid regex matches as text and says so', () => {
    expect(compileFilter('').test('anything')).toBe(true)
    expect(compileFilter('fi|uo').test('… 500 FI 0ms')).toBe(true)
    expect(compileFilter(' 5\\d\\d ').test('… 503 UH …')).toBe(true)
    expect(compileFilter(' 5\\d\\d ').test('… 200 - …')).toBe(false)
    const bad = compileFilter('reviews-v2(')
    expect(bad.note).toMatch(/not a regular expression/)
    expect(bad.test('x reviews-v2( y')).toBe(true)
    expect(bad.test('reviews-v2')).toBe(false)
  })

  test('the filter is RE2: a nested quantifier cannot freeze the dashboard; lookarounds match as text', { timeout: 1_000 }, () => {
    // A backtracking engine takes 2^n steps on this line: seconds for 30 characters.
    expect(compileFilter('(a+)+$').test(`${'a'.repeat(30)}!`)).toBe(false)
    expect(compileFilter('(?P<v>v[23])').test('reviews-V2')).toBe(true) // RE2 syntax, still ignoring case
    const lookahead = compileFilter('(?!x)ratings')
    expect(lookahead.note).toMatch(/not a regular expression/)
    expect(lookahead.test('GET (?!X)RATINGS')).toBe(true)
  })

  test('the newest matching lines, oldest first, at most max', () => {
    const records = Array.from({ length: 10 }, (_, i) => record('productpage-v1', `reviews-v${(i % 3) + 1}`, { path: `/reviews/${i}` }))
    expect(tapView(records, '', 3).lines.map((l) => l.path)).toEqual(['/reviews/7', '/reviews/8', '/reviews/9'])
    expect(tapView(records, 'reviews-v2', 2).lines.map((l) => l.path)).toEqual(['/reviews/4', '/reviews/7'])
    expect(tapView(records, 'nothing', 5)).toEqual({ lines: [], filter: 'nothing' })
  })

  test('RecordTap keeps the caller side of each request (plus mirror copies), mirrored rate and mTLS edges', () => {
    const tap = new RecordTap(3)
    const now = Date.UTC(2026, 0, 1, 12, 0, 5)
    tap.record(record('productpage-v1', 'reviews-v1'))
    tap.record(record('productpage-v1', 'reviews-v1', { reporter: 'destination', connectionSecurityPolicy: 'mutual_tls', startEpochMs: now - 100 }))
    for (let i = 0; i < 20; i++) tap.record(record('productpage-v1', 'reviews-v2', { reporter: 'destination', mirrored: true, startEpochMs: now - 1000 }))
    expect(tap.recent()).toHaveLength(3)
    expect(tap.recent().every((r) => r.mirrored)).toBe(true)
    expect(tap.mirroredRps(now)).toEqual(new Map([['productpage-v1>reviews-v2', 2]]))
    expect(tap.mirroredRps(now + 60_000)).toEqual(new Map())
    expect(tap.secureEdges(now)).toEqual(new Set(['productpage-v1>reviews-v1']))
    expect(tap.secureEdges(now + 60_000)).toEqual(new Set())
  })
})
