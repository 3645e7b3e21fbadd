import { describe, expect, test } from 'vitest'
import { rewrite } from './rewrite.ts'
import { redirect, directResponse } from './redirect.ts'
import { headerOps } from './header-ops.ts'
import { cors } from './cors.ts'
import { weightedDestinations } from './weighted-destinations.ts'
import { draws, get, stubUpstream } from '../../test/support/requests.ts'
import { rewrite as rewriteSpec } from '../control/parse/rewrite.ts'
import { Reporter } from '../control/parse/reporter.ts'
import type { HTTPRewrite } from '../control/types.ts'

/** Parses a VirtualService `rewrite` block as the config edge does. */
function parseRewrite(raw: unknown): HTTPRewrite {
  const r = new Reporter(undefined)
  const spec = rewriteSpec(raw, 'rewrite', r)
  expect(r.diagnostics()).toEqual([])
  return spec!
}

describe('rewrite', () => {
  test('uri replaces the matched prefix and keeps the query', async () => {
    const up = stubUpstream(200)
    await rewrite({ uri: '/v2/' }, { kind: 'prefix', value: '/v1/' })(up.handler)(get('/v1/items?x=1'))
    expect(up.calls[0]!.path).toBe('/v2/items?x=1')
    expect(up.calls[0]!.headers['x-envoy-original-path']).toBe('/v1/items?x=1')
  })
  test('uriRegexRewrite: RE2 rewrite syntax, the query kept, and no backtracking on a crafted path', { timeout: 1_000 }, async () => {
    const spec = parseRewrite({ uriRegexRewrite: { match: '^/service/([^/]+)(/.*)$', rewrite: '\\2/instance/\\1' } })
    const up = stubUpstream(200)
    await rewrite(spec, undefined)(up.handler)(get('/service/foo/v1/api?x=1'))
    expect(up.calls[0]!.path).toBe('/v1/api/instance/foo?x=1')
    expect(up.calls[0]!.headers['x-envoy-original-path']).toBe('/service/foo/v1/api?x=1')
    // A backtracking engine takes 2^n steps on this path (seconds for 30 characters); RE2 takes one pass.
    const greedy = parseRewrite({ uriRegexRewrite: { match: '(a+)+b', rewrite: 'x' } })
    const path = `/${'a'.repeat(30)}`
    await rewrite(greedy, undefined)(up.handler)(get(path))
    expect(up.calls[1]!.path).toBe(path)
  })
  test('authority replaces Host', async () => {
    const up = stubUpstream(200)
    await rewrite({ authority: 'ratings:9080' }, undefined)(up.handler)(get('/'))
    expect(up.calls[0]!.authority).toBe('ratings:9080')
    expect(up.calls[0]!.headers.host).toBe('ratings:9080')
  })
})

describe('redirect and direct response', () => {
  test('redirect defaults to 301 and replaces the path, keeping the query (Envoy strips it only with strip_query)', async () => {
    const res = await redirect({ uri: '/v2/page', redirectCode: 301 }, 9080)(get('/old?x=1', {}, 'bookinfo.local:9080'))
    expect(res.status).toBe(301)
    expect(res.headers.location).toBe('http://bookinfo.local:9080/v2/page?x=1')
    const own = await redirect({ uri: '/v2/page?y=2', redirectCode: 301 }, 9080)(get('/old?x=1', {}, 'bookinfo.local:9080'))
    expect(own.headers.location).toBe('http://bookinfo.local:9080/v2/page?y=2') // a uri with its own query replaces the request's
  })
  test('direct response answers locally', async () => {
    const res = await directResponse({ status: 503, body: 'maintenance' })(get('/'))
    expect(res).toMatchObject({ status: 503, body: 'maintenance' })
  })
})

describe('header operations', () => {
  test('request set/add/remove and response ops', async () => {
    const up = stubUpstream(async () => ({ status: 200, headers: { server: 'x', 'x-a': '1' }, body: null }))
    const res = await headerOps({
      request: { set: { 'x-set': 'v' }, add: { 'x-add': 'w' }, remove: ['user-agent'] },
      response: { set: {}, add: {}, remove: ['server'] },
    })(up.handler)(get('/', { 'user-agent': 'curl', 'x-add': 'u' }))
    expect(up.calls[0]!.headers).toMatchObject({ 'x-set': 'v', 'x-add': ['u', 'w'] })
    expect(up.calls[0]!.headers['user-agent']).toBeUndefined()
    expect(res.headers.server).toBeUndefined()
  })
})

describe('cors', () => {
  const policy = { allowOrigins: [{ kind: 'exact' as const, value: 'https://example.com' }], allowMethods: ['GET', 'POST'], allowHeaders: ['x-a'], exposeHeaders: [], maxAgeSeconds: 60 }
  test('answers a preflight from an allowed origin locally', async () => {
    const up = stubUpstream(200)
    const res = await cors(policy)(up.handler)({ ...get('/', { origin: 'https://example.com', 'access-control-request-method': 'POST' }), method: 'OPTIONS' })
    expect(res.status).toBe(200)
    expect(res.headers['access-control-allow-methods']).toBe('GET,POST')
    expect(up.calls).toHaveLength(0)
  })
  test('adds no CORS headers for other origins', async () => {
    const res = await cors(policy)(stubUpstream(200).handler)(get('/', { origin: 'https://evil.example' }))
    expect(res.headers['access-control-allow-origin']).toBeUndefined()
  })
})

describe('weighted destinations', () => {
  test('weight / sum(weights), drawn from the seeded source', async () => {
    const a = stubUpstream(200)
    const b = stubUpstream(201)
    const handler = weightedDestinations([{ weight: 80, handler: a.handler }, { weight: 20, handler: b.handler }], draws(0.1, 0.79, 0.81, 0.99))
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push((await handler(get('/'))).status)
    expect(statuses).toEqual([200, 200, 201, 201])
  })
  test('weights need not add up to 100; zero weights get nothing', async () => {
    const a = stubUpstream(200)
    const b = stubUpstream(201)
    const handler = weightedDestinations([{ weight: 1, handler: a.handler }, { weight: 0, handler: b.handler }], draws(0.99))
    expect((await handler(get('/'))).status).toBe(200)
  })
})
