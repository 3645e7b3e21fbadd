import { describe, expect, test } from 'vitest'
import { get, stubUpstream } from '../../test/support/requests.ts'
import type { MeshRequest } from '../filter.ts'
import { edgeForwarded, forwardedProto } from './forwarded-for.ts'

const from = (address: string, headers: Record<string, string> = {}): MeshRequest => {
  const req = get('/productpage', headers, 'bookinfo.example.com')
  req.info.downstreamRemoteAddress = address
  return req
}

describe('forwarded-for', () => {
  test('the edge appends the peer to XFF, names it in x-envoy-external-address, and overwrites x-forwarded-proto', async () => {
    const upstream = stubUpstream(200)
    const req = from('192.0.2.5', { 'x-forwarded-for': '203.0.113.128, 203.0.113.10', 'x-forwarded-proto': 'https' })
    await edgeForwarded()(upstream.handler)(req)
    // Envoy's header docs, example 1 (use_remote_address, xff_num_trusted_hops 0): XFF is not trusted, only appended to.
    expect(upstream.calls[0]!.headers).toMatchObject({
      'x-forwarded-for': '203.0.113.128, 203.0.113.10,192.0.2.5',
      'x-envoy-external-address': '192.0.2.5',
      'x-forwarded-proto': 'http',
    })
    expect(req.info.forwardedFor).toBe('203.0.113.128, 203.0.113.10,192.0.2.5')
    expect(req.headers['x-forwarded-for']).toBe('203.0.113.128, 203.0.113.10') // the caller's request is not mutated
  })

  test('a sidecar sets x-forwarded-proto only when absent and forwards XFF as it came', async () => {
    const upstream = stubUpstream(200)
    await forwardedProto()(upstream.handler)(from('127.0.0.1', { 'x-forwarded-for': '10.1.2.3' }))
    await forwardedProto()(upstream.handler)(from('127.0.0.1', { 'x-forwarded-proto': 'https' }))
    expect(upstream.calls.map((c) => [c.headers['x-forwarded-for'], c.headers['x-forwarded-proto'], c.headers['x-envoy-external-address']])).toEqual([
      ['10.1.2.3', 'http', undefined],
      [undefined, 'https', undefined],
    ])
  })
})
