import { createServer, type Server } from 'node:http'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { captureIO } from '../../../test/support/cli-io.ts'
import { applyCommand, deleteCommand, kindName } from './config-commands.ts'

describe('config commands print each kind with its own API group, as kubectl does', () => {
  test.each([
    ['VirtualService', {}, 'virtualservice.networking.istio.io'],
    ['AuthorizationPolicy', {}, 'authorizationpolicy.security.istio.io'],
    ['PeerAuthentication', { plural: true }, 'peerauthentications.security.istio.io'],
    ['LocalRateLimit', {}, 'localratelimit.meshdojo.dev'],
  ])('%s %o → %s', (kind, opts, expected) => {
    expect(kindName(kind, opts)).toBe(expected)
  })

  // A stand-in admin API: answers /apply and /delete with canned results.
  let server: Server
  let url: string
  beforeAll(async () => {
    server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json')
      if (req.url?.startsWith('/apply')) {
        res.end(JSON.stringify({ changes: [{ kind: 'AuthorizationPolicy', name: 'deny-post', action: 'created' }, { kind: 'DestinationRule', name: 'reviews', action: 'unchanged' }] }))
      } else {
        res.end(JSON.stringify({ deleted: [{ kind: 'PeerAuthentication', name: 'default' }], notFound: [{ kind: 'AuthorizationPolicy', name: 'gone' }] }))
      }
    })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  test('apply and delete', async () => {
    const applied = captureIO('kind: AuthorizationPolicy')
    expect(await applyCommand(['-f', '-', '--admin', url], applied)).toBe(0)
    expect(applied.out).toEqual(['authorizationpolicy.security.istio.io/deny-post created', 'destinationrule.networking.istio.io/reviews unchanged'])
    const deleted = captureIO('kind: PeerAuthentication')
    expect(await deleteCommand(['-f', '-', '--admin', url], deleted)).toBe(1)
    expect(deleted.out).toEqual(['peerauthentication.security.istio.io "default" deleted'])
    expect(deleted.err).toEqual(['Error from server (NotFound): authorizationpolicies.security.istio.io "gone" not found'])
  })
})
