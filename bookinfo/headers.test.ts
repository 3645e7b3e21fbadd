import { describe, expect, test } from 'vitest'
import { backendForwardHeaders, productPageForwardHeaders } from './headers.ts'

const TRACE = {
  'x-request-id': '34eeb41d-d267-9e49-8b84-dde403fc5b72',
  'x-b3-traceid': '80f198ee56343ba864fe8b2a57d3eff7',
  'x-b3-spanid': 'e457b5a2e4d86bd1',
  'x-b3-parentspanid': '05e3ac9a4f6e3b90',
  'x-b3-sampled': '1',
  'x-b3-flags': '0',
  traceparent: '00-80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-01',
  tracestate: 'vendor=1',
  sw8: '40c7fdf104e3de67',
}
const IDENTITY = { 'user-agent': 'curl/8', cookie: 'session=abc', authorization: 'Bearer t', jwt: 'x.y.z' }
const ON = { propagateTraceHeaders: true }
const OFF = { propagateTraceHeaders: false }

describe('productpage', () => {
  test('passes trace id, span id and sampled; drops parentspanid and flags (istio unit test)', () => {
    const out = productPageForwardHeaders({ ...TRACE, ...IDENTITY, 'x-unrelated': '1' }, undefined, ON)
    expect(out).toEqual({
      'x-request-id': TRACE['x-request-id'],
      'x-b3-traceid': TRACE['x-b3-traceid'],
      'x-b3-spanid': TRACE['x-b3-spanid'],
      'x-b3-sampled': '1',
      traceparent: TRACE.traceparent,
      tracestate: 'vendor=1',
      sw8: TRACE.sw8,
      ...IDENTITY,
    })
  })

  test('end-user comes from the session, never from the request', () => {
    expect(productPageForwardHeaders({ 'end-user': 'jason' }, undefined, ON)).not.toHaveProperty('end-user')
    expect(productPageForwardHeaders({ 'end-user': 'mallory' }, 'jason', ON)['end-user']).toBe('jason')
  })

  test('reads B3 as OpenTelemetry does: single header, 64-bit ids, debug, malformed', () => {
    const single = productPageForwardHeaders({ b3: '80f198ee56343ba8-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90' }, undefined, ON)
    expect(single).toEqual({
      'x-b3-traceid': '000000000000000080f198ee56343ba8',
      'x-b3-spanid': 'e457b5a2e4d86bd1',
      'x-b3-sampled': '1',
      b3: '80f198ee56343ba8-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90',
    })
    const debug = productPageForwardHeaders(
      { 'x-b3-traceid': TRACE['x-b3-traceid'], 'x-b3-spanid': TRACE['x-b3-spanid'], 'x-b3-flags': '1' }, undefined, ON)
    expect(debug['x-b3-sampled']).toBe('1')
    expect(productPageForwardHeaders({ 'x-b3-traceid': 'nothex', 'x-b3-spanid': 'e457b5a2e4d86bd1' }, undefined, ON))
      .toEqual({})
  })

  test('with propagation off, trace context is forgotten but identity still flows', () => {
    const out = productPageForwardHeaders({ ...TRACE, ...IDENTITY, b3: '1' }, 'jason', OFF)
    expect(out).toEqual({ ...IDENTITY, 'end-user': 'jason' })
  })
})

describe('details and reviews', () => {
  test('copy the whole list verbatim, B3 parent and flags and end-user included', () => {
    const out = backendForwardHeaders({ ...TRACE, ...IDENTITY, 'end-user': 'jason', b3: '1', 'x-other': 'no' }, ON)
    expect(out).toEqual({ ...TRACE, ...IDENTITY, 'end-user': 'jason' })
  })

  test('with propagation off keep only identity', () => {
    expect(backendForwardHeaders({ ...TRACE, ...IDENTITY, 'end-user': 'jason' }, OFF))
      .toEqual({ ...IDENTITY, 'end-user': 'jason' })
  })
})
