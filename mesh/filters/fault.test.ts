import { describe, expect, test } from 'vitest'
import { ManualClock } from '../clock.ts'
import { fault } from './fault.ts'
import { Cancel } from '../filter.ts'
import { draws, get, stubUpstream } from '../../test/support/requests.ts'
import { parseConfig } from '../control/parse/parse-config.ts'
import type { VirtualService } from '../control/types.ts'

describe('fault', () => {
  test('delays, then forwards, flagging DI', async () => {
    const clock = new ManualClock()
    const upstream = stubUpstream(200)
    const handler = fault({ delay: { fixedDelayMs: 7000, percent: 100 } }, { clock, random: draws(0) })(upstream.handler)
    const req = get('/ratings/0')
    const pending = handler(req)
    await clock.advance(6999)
    expect(upstream.calls).toHaveLength(0)
    await clock.advance(1)
    await expect(pending).resolves.toMatchObject({ status: 200 })
    expect([...req.info.flags]).toEqual(['DI'])
    expect(clock.pendingTimers()).toBe(0)
  })

  test('aborts with Envoy\'s local reply and never calls upstream', async () => {
    const upstream = stubUpstream(200)
    const req = get('/ratings/0')
    const res = await fault({ abort: { httpStatus: 500, percent: 100 } }, { clock: new ManualClock(), random: draws(0.99) })(upstream.handler)(req)
    expect(res).toMatchObject({ status: 500, body: 'fault filter abort' })
    expect(req.info.flags.has('FI')).toBe(true)
    expect(req.info.details).toBe('fault_filter_abort')
    expect(upstream.calls).toHaveLength(0)
  })

  test('delay then independently sampled abort gives DI and FI', async () => {
    const clock = new ManualClock()
    const req = get('/')
    const pending = fault({ delay: { fixedDelayMs: 100, percent: 50 }, abort: { httpStatus: 503, percent: 50 } }, { clock, random: draws(0.1, 0.2) })(stubUpstream(200).handler)(req)
    await clock.advance(100)
    await expect(pending).resolves.toMatchObject({ status: 503 })
    expect([...req.info.flags].sort()).toEqual(['DI', 'FI'])
  })

  test('a percentage of 0 (Istio: absent) never fires', async () => {
    const upstream = stubUpstream(200)
    const handler = fault({ abort: { httpStatus: 500, percent: 0 }, delay: { fixedDelayMs: 5, percent: 0 } }, { clock: new ManualClock(), random: draws(0) })(upstream.handler)
    for (let i = 0; i < 5; i++) await expect(handler(get('/'))).resolves.toMatchObject({ status: 200 })
    expect(upstream.calls).toHaveLength(5)
  })

  test('percentages are drawn per request from the seeded source', async () => {
    const handler = fault({ abort: { httpStatus: 503, percent: 50 } }, { clock: new ManualClock(), random: draws(0.2, 0.7, 0.49, 0.5) })(stubUpstream(200).handler)
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push((await handler(get('/'))).status)
    expect(statuses).toEqual([503, 200, 503, 200])
  })

  test('a gRPC abort answers 200 with grpc-status', async () => {
    const res = await fault({ abort: { grpcStatus: 'UNAVAILABLE', grpcCode: 14, percent: 100 } }, { clock: new ManualClock(), random: draws(0) })(stubUpstream(200).handler)(get('/'))
    expect(res.status).toBe(200)
    expect(res.headers['grpc-status']).toBe('14')
  })

  test('the gRPC code comes from the parsed spec, not from a table of names here', async () => {
    const { resources } = parseConfig(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: r}
spec: {hosts: [r], http: [{fault: {abort: {grpcStatus: NOT_FOUND, percentage: {value: 100}}}, route: [{destination: {host: r}}]}]}
`, 'vs.yaml')
    const spec = (resources[0] as VirtualService).spec.http[0]!.fault!
    expect(spec.abort).toMatchObject({ grpcStatus: 'NOT_FOUND', grpcCode: 5 })
    const res = await fault(spec, { clock: new ManualClock(), random: draws(0) })(stubUpstream(200).handler)(get('/'))
    expect(res.headers['grpc-status']).toBe('5')
  })

  test('a caller that leaves during the delay cancels it', async () => {
    const clock = new ManualClock()
    const caller = new Cancel()
    const upstream = stubUpstream(200)
    const pending = fault({ delay: { fixedDelayMs: 1000, percent: 100 } }, { clock, random: draws(0) })(upstream.handler)({ ...get('/'), cancel: caller })
    caller.abort(new Error('gone'))
    await expect(pending).rejects.toThrow('gone')
    expect(clock.pendingTimers()).toBe(0)
    expect(upstream.calls).toHaveLength(0)
  })
})
