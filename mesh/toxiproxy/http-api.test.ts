/** The REST API byte for byte: status codes, bodies, headers and Go's error texts. */
import { request } from 'undici'
import { describe, expect } from 'vitest'
import { sfc32 } from '../random.ts'
import { dial, toxiTest as test, unusedPort, waitFor } from './testkit.ts'

interface Answer {
  status: number
  text: string
  headers: Headers
  json: () => any
}

async function call(base: string, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(base + path, { method, body, headers, redirect: 'manual' })
  const text = await res.text()
  return { status: res.status, text, headers: res.headers, json: () => JSON.parse(text) }
}

const errorText = (message: string, status: number) => `{"error":${JSON.stringify(message)},"status":${status}}\n`

describe('server-wide behaviour', () => {
  test('/version is exactly Toxiproxy 2.12.0', async ({ tox }) => {
    const r = await call(tox.url, 'GET', '/version')
    expect(r.status).toBe(200)
    expect(r.text).toBe('{"version": "2.12.0"}\n')
    expect(r.headers.get('content-type')).toBe('application/json;charset=utf-8')
  })

  test('unknown path: 404 page not found; wrong method: 405 empty; neither gets a request id', async ({ tox }) => {
    const missing = await call(tox.url, 'GET', '/nope')
    expect(missing.status).toBe(404)
    expect(missing.text).toBe('404 page not found\n')
    expect(missing.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(missing.headers.get('x-toxiproxy-request-id')).toBeNull()
    const wrong = await call(tox.url, 'PUT', '/proxies')
    expect(wrong.status).toBe(405)
    expect(wrong.text).toBe('')
    expect((await call(tox.url, 'DELETE', '/version')).status).toBe(405)
    expect((await call(tox.url, 'GET', '/proxies/')).status).toBe(404) // no trailing-slash tolerance
  })

  test('browsers are refused with 403, after routing', async ({ tox }) => {
    const r = await call(tox.url, 'GET', '/proxies', undefined, { 'User-Agent': 'Mozilla/5.0 (X11)' })
    expect(r.status).toBe(403)
    expect(r.text).toBe('User agent not allowed\n')
    expect(r.headers.get('x-toxiproxy-request-id')).toMatch(/^[0-9a-v]{20}$/)
  })

  test('a foreign Host or Origin (DNS rebinding, a web page) gets 403 before routing; nothing changes', async ({ tox, echo }) => {
    // fetch() can't set Host, so undici's request(), which sends headers as given.
    const raw = async (method: 'GET' | 'POST', path: string, headers: Record<string, string>, body?: string) => {
      const res = await request(tox.url + path, { method, headers, body })
      return { status: res.statusCode, text: await res.body.text(), id: res.headers['x-toxiproxy-request-id'] }
    }
    const foreign: [Record<string, string>, string][] = [
      [{ host: `evil.example:${tox.port}` }, `Host evil.example:${tox.port}`],
      [{ host: 'evil.example' }, 'Host evil.example'],
      [{ origin: 'http://evil.example' }, 'Origin http://evil.example'],
      [{ origin: 'null' }, 'Origin null'],
      [{ 'sec-fetch-site': 'cross-site' }, 'Sec-Fetch-Site cross-site'],
    ]
    const create = JSON.stringify({ name: 'evil', listen: '127.0.0.1:0', upstream: echo.address })
    for (const [headers, what] of foreign) {
      for (const [method, path, body] of [['GET', '/proxies'], ['GET', '/nope'], ['POST', '/proxies', create], ['POST', '/reset', '']] as const) {
        const r = await raw(method, path, { 'content-type': 'application/json', ...headers }, body)
        expect(r.status, `${method} ${path} ${what}`).toBe(403)
        expect(r.text).toBe(`meshdojo Toxiproxy API: refused a request with ${what}: ${what.startsWith('Host') ? 'this API answers to 127.0.0.1, localhost, [::1] only, and any other name means a web page reached it through DNS rebinding; ' : what.startsWith('Sec') ? 'a browser sent it for another web page; ' : ''}only the meshdojo CLI and local tools may call this API (see docs/security.md)\n`)
        expect(r.id).toBeUndefined()
      }
    }
    expect(tox.store.has('evil')).toBe(false)
    // What toxiproxy-cli, the Go client, toxiproxy-node-client and curl send is served,
    // including curl -d's form-urlencoded content type (Toxiproxy's own docs post JSON that way).
    for (const host of [`localhost:${tox.port}`, `127.0.0.1:${tox.port}`, `[::1]:${tox.port}`]) {
      expect((await raw('GET', '/proxies', { host, 'user-agent': 'toxiproxy-cli' })).status, host).toBe(200)
    }
    const curl = await raw('POST', '/proxies', { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'curl/8.5.0' }, create)
    expect(curl.status).toBe(201)
    expect(tox.store.has('evil')).toBe(true)
  })

  test('routed responses carry a 20-character X-Toxiproxy-Request-Id', async ({ tox }) => {
    const a = await call(tox.url, 'GET', '/proxies')
    const b = await call(tox.url, 'GET', '/proxies')
    expect(a.text).toBe('{}')
    expect(a.headers.get('x-toxiproxy-request-id')).toMatch(/^[0-9a-v]{20}$/)
    expect(a.headers.get('x-toxiproxy-request-id')).not.toBe(b.headers.get('x-toxiproxy-request-id'))
  })

  test('an unclean path is redirected like gorilla/mux does', async ({ tox }) => {
    const r = await call(tox.url, 'GET', '//version')
    expect(r.status).toBe(301)
    expect(r.headers.get('location')).toBe('/version')
  })

  test('bodies over the limit get 413 with a JSON error', async ({ tox }) => {
    const r = await call(tox.url, 'POST', '/proxies', 'x'.repeat(1024 * 1024 + 1))
    expect(r.status).toBe(413)
    expect(r.json()).toMatchObject({ status: 413 })
  })

  test('garbage bodies never crash the server', async ({ tox }) => {
    const random = sfc32(3)
    const paths = ['/proxies', '/populate', '/proxies/p', '/proxies/p/toxics', '/proxies/p/toxics/latency_downstream']
    await tox.store.createProxy({ name: 'p', upstream: 'localhost:1', enabled: false })
    await tox.store.addToxic('p', { type: 'latency' })
    const samples = ['{', '[', '"', '{"name":', '[{"name":{}}]', '{"attributes":[]}', '\u0000', 'null', '{"type":"latency","attributes":{"latency":"x"}}', '{"toxicity":true}']
    for (let i = 0; i < 60; i++) {
      const body = i < samples.length ? samples[i]! : Buffer.from(Array.from({ length: 1 + Math.floor(random() * 40) }, () => Math.floor(random() * 256))).toString('latin1')
      const r = await call(tox.url, 'POST', paths[i % paths.length]!, body)
      expect(r.status, `${paths[i % paths.length]} ${JSON.stringify(body)}`).toBeLessThan(500)
    }
    expect((await call(tox.url, 'GET', '/version')).status).toBe(200)
  })
})

describe('proxies', () => {
  test('create answers 201 with the bound address and Go\'s "Logger":{}', async ({ tox }) => {
    const r = await call(tox.url, 'POST', '/proxies', '{"name":"redis","listen":"localhost:0","upstream":"localhost:6379"}')
    expect(r.status).toBe(201)
    expect(r.headers.get('content-type')).toBe('application/json')
    const port = r.json().listen.split(':')[1]
    expect(r.text).toBe(`{"name":"redis","listen":"127.0.0.1:${port}","upstream":"localhost:6379","enabled":true,"Logger":{},"toxics":[]}`)
  })

  test('listen addresses resolve like Go: localhost → 127.0.0.1, wildcards → [::], port 0 → the real port', async ({ tox }) => {
    const listenOf = async (name: string, listen: string) =>
      (await call(tox.url, 'POST', '/proxies', JSON.stringify({ name, listen, upstream: 'x:1' }))).json().listen as string
    expect(await listenOf('a', 'localhost:0')).toMatch(/^127\.0\.0\.1:[1-9]\d*$/)
    // Dual-stack where the host has IPv6 ([::]), IPv4-only otherwise (0.0.0.0).
    for (const [name, listen] of [['b', ''], ['c', ':0'], ['d', '0.0.0.0:0']]) expect(await listenOf(name!, listen!)).toMatch(/^(\[::\]|0\.0\.0\.0):[1-9]\d*$/)
    expect((await call(tox.url, 'POST', '/proxies', '{"name":"e","listen":"::1:80","upstream":"x:1"}')).text).toBe(
      errorText('listen tcp: address ::1:80: too many colons in address', 500),
    )
    expect((await call(tox.url, 'POST', '/proxies', '{"name":"f","listen":"127.0.0.1:99999","upstream":"x:1"}')).text).toBe(
      errorText('listen tcp: address 99999: invalid port', 500),
    )
  })

  test('an address in use is a 500 with Go\'s text', async ({ tox }) => {
    const first = (await call(tox.url, 'POST', '/proxies', '{"name":"a","listen":"127.0.0.1:0","upstream":"x:1"}')).json()
    const r = await call(tox.url, 'POST', '/proxies', JSON.stringify({ name: 'b', listen: first.listen, upstream: 'x:1' }))
    expect(r.status).toBe(500)
    expect(r.text).toBe(errorText(`listen tcp ${first.listen}: bind: address already in use`, 500))
    expect(r.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(r.headers.get('x-content-type-options')).toBe('nosniff')
    expect((await call(tox.url, 'GET', '/proxies/b')).status).toBe(404)
  })

  test('validation order and texts', async ({ tox }) => {
    expect((await call(tox.url, 'POST', '/proxies', '')).text).toBe(errorText('bad request body: EOF', 400))
    expect((await call(tox.url, 'POST', '/proxies', '{"name":')).text).toBe(errorText('bad request body: unexpected EOF', 400))
    expect((await call(tox.url, 'POST', '/proxies', '{"name":1}')).text).toBe(
      errorText('bad request body: json: cannot unmarshal number into Go struct field Proxy.name of type string', 400),
    )
    expect((await call(tox.url, 'POST', '/proxies', '{}')).text).toBe(errorText('missing required field: name', 400))
    expect((await call(tox.url, 'POST', '/proxies', '{"name":"a"}')).text).toBe(errorText('missing required field: upstream', 400))
    expect((await call(tox.url, 'POST', '/proxies', '{"NAME":"a","Upstream":"x:1","Enabled":false}')).status).toBe(201)
    expect((await call(tox.url, 'POST', '/proxies', '{"name":"a","upstream":"x:1"}')).text).toBe(errorText('proxy already exists', 409))
    expect((await call(tox.url, 'POST', '/proxies', '{"name":"b","upstream":"x:1","listen":"local373"}')).text).toBe(
      errorText('listen tcp: address local373: missing port in address', 500),
    )
  })

  test('a disabled proxy keeps its listen verbatim; enabling resolves it', async ({ tox }) => {
    const port = await unusedPort()
    const created = (await call(tox.url, 'POST', '/proxies', JSON.stringify({ name: 'd', listen: `localhost:${port}`, upstream: 'x:1', enabled: false }))).json()
    expect(created).toMatchObject({ listen: `localhost:${port}`, enabled: false })
    const enabled = (await call(tox.url, 'POST', '/proxies/d', '{"enabled":true}')).json()
    expect(enabled).toMatchObject({ listen: `127.0.0.1:${port}`, enabled: true })
  })

  test('update: defaults to current values, restarts only when something differs', async ({ tox }) => {
    const created = (await call(tox.url, 'POST', '/proxies', '{"name":"u","listen":"127.0.0.1:0","upstream":"x:1"}')).json()
    const port = created.listen.split(':')[1]
    const client = await dial(Number(port))
    // `localhost:P` resolves to the stored 127.0.0.1:P: no restart, live connections survive.
    const same = await call(tox.url, 'PATCH', '/proxies/u', JSON.stringify({ listen: `localhost:${port}` }))
    expect(same.json()).toMatchObject({ listen: `127.0.0.1:${port}`, enabled: true })
    const changed = await call(tox.url, 'POST', '/proxies/u', '{"upstream":"y:2","name":"ignored","toxics":[1]}')
    expect(changed.status).toBe(200)
    expect(changed.json()).toMatchObject({ name: 'u', listen: `127.0.0.1:${port}`, upstream: 'y:2', enabled: true })
    expect((await call(tox.url, 'PATCH', '/proxies/u', '{"listen":"local373"}')).text).toBe(errorText('address local373: missing port in address', 500))
    expect((await call(tox.url, 'PATCH', '/proxies/nope', '{}')).text).toBe(errorText('proxy not found', 404))
    expect((await call(tox.url, 'PATCH', '/proxies/u', '{')).text).toBe(errorText('bad request body: unexpected EOF', 400))
    client.destroy()
  })

  test('names are percent-decoded; delete answers 204', async ({ tox }) => {
    expect((await call(tox.url, 'POST', '/proxies', '{"name":"a b","upstream":"x:1","enabled":false}')).status).toBe(201)
    expect((await call(tox.url, 'GET', '/proxies/a%20b')).json()).toMatchObject({ name: 'a b' })
    const r = await call(tox.url, 'DELETE', '/proxies/a%20b')
    expect(r.status).toBe(204)
    expect(r.text).toBe('')
    expect((await call(tox.url, 'DELETE', '/proxies/a%20b')).text).toBe(errorText('proxy not found', 404))
  })

  test('GET /proxies is keyed by name, sorted bytewise', async ({ tox }) => {
    for (const name of ['b', 'a', '10', '9']) await call(tox.url, 'POST', '/proxies', JSON.stringify({ name, upstream: 'x:1', enabled: false }))
    // Checked on the text: JSON.parse would reorder integer-like keys.
    const text = (await call(tox.url, 'GET', '/proxies')).text
    const order = ['"10":', '"9":', '"a":', '"b":'].map((key) => text.indexOf(key))
    expect(order.every((at) => at > 0)).toBe(true)
    expect([...order].sort((x, y) => x - y)).toEqual(order)
  })
})

describe('populate', () => {
  test('[] answers {"proxies":[]}', async ({ tox }) => {
    const r = await call(tox.url, 'POST', '/populate', '[]')
    expect(r.status).toBe(201)
    expect(r.text).toBe('{"proxies":[]}')
  })

  test('validates every item before creating any', async ({ tox }) => {
    const r = await call(tox.url, 'POST', '/populate', '[{"name":"a","upstream":"x:1"},{"upstream":"x:1"}]')
    expect(r.status).toBe(400)
    expect(r.json()).toMatchObject({ error: 'missing required field: name at proxy 2', status: 400 })
    expect((await call(tox.url, 'GET', '/proxies')).text).toBe('{}')
  })

  test('keeps unchanged proxies (with their toxics), replaces changed ones, stops at the first failure', async ({ tox }) => {
    const a = (await call(tox.url, 'POST', '/proxies', '{"name":"a","listen":"127.0.0.1:0","upstream":"x:1"}')).json()
    await call(tox.url, 'POST', '/proxies/a/toxics', '{"type":"latency"}')
    const body = JSON.stringify([
      { name: 'a', listen: a.listen, upstream: 'x:1', enabled: false },
      { name: 'b', listen: a.listen, upstream: 'x:1' },
      { name: 'c', listen: '127.0.0.1:0', upstream: 'x:1' },
    ])
    const r = await call(tox.url, 'POST', '/populate', body)
    expect(r.status).toBe(500)
    expect(r.headers.get('content-type')).toBe('application/json')
    const out = r.json()
    expect(out.error).toBe(`listen tcp ${a.listen}: bind: address already in use`)
    expect(out.status).toBe(500)
    expect(out.proxies).toHaveLength(1)
    expect(out.proxies[0]).toMatchObject({ name: 'a', enabled: true, toxics: [{ name: 'latency_downstream' }] })
    expect(Object.keys((await call(tox.url, 'GET', '/proxies')).json())).toEqual(['a'])
  })
})

describe('toxics', () => {
  test('defaults: downstream, toxicity 1, name <type>_<stream>, every attribute listed; 200 not 201', async ({ tox }) => {
    await tox.store.createProxy({ name: 'p', upstream: 'x:1', enabled: false })
    const r = await call(tox.url, 'POST', '/proxies/p/toxics', '{"type":"latency","attributes":{"latency":100}}')
    expect(r.status).toBe(200)
    expect(r.text).toBe('{"attributes":{"latency":100,"jitter":0},"name":"latency_downstream","type":"latency","stream":"downstream","toxicity":1}')
  })

  test('keys are case-insensitive; stream keeps its casing; toxicity prints as a short float32', async ({ tox }) => {
    await tox.store.createProxy({ name: 'p', upstream: 'x:1', enabled: false })
    const r = await call(tox.url, 'POST', '/proxies/p/toxics', '{"Type":"bandwidth","Stream":"UpStream","Toxicity":0.1,"Attributes":{"RATE":100}}')
    expect(r.text).toBe('{"attributes":{"rate":100},"name":"bandwidth_UpStream","type":"bandwidth","stream":"UpStream","toxicity":0.1}')
  })

  test('error order and texts', async ({ tox }) => {
    expect((await call(tox.url, 'POST', '/proxies/none/toxics', '{')).text).toBe(errorText('proxy not found', 404))
    await tox.store.createProxy({ name: 'p', upstream: 'x:1', enabled: false })
    const add = (body: string) => call(tox.url, 'POST', '/proxies/p/toxics', body)
    expect((await add('')).text).toBe(errorText('bad request body: EOF', 400))
    expect((await add('{"type":"latency","stream":"walrustream"}')).text).toBe(errorText('stream was invalid, can be either upstream or downstream', 400))
    expect((await add('{"type":"latency","stream":""}')).status).toBe(400)
    expect((await add('{"type":"down"}')).text).toBe(errorText('invalid toxic type', 400))
    expect((await add('{"type":"latency","attributes":{"latency":1.5}}')).text).toBe(
      errorText('bad request body: json: cannot unmarshal number 1.5 into Go struct field LatencyToxic.attributes.latency of type int64', 400),
    )
    expect((await add('{"type":"latency","name":"x"}')).status).toBe(200)
    expect((await add('{"type":"timeout","name":"x","stream":"upstream"}')).text).toBe(errorText('toxic already exists', 409))
    // The duplicate check comes before attribute decoding, as in Toxiproxy.
    expect((await add('{"type":"latency","name":"x","attributes":{"latency":"bad"}}')).status).toBe(409)
    expect((await call(tox.url, 'GET', '/proxies/p/toxics/nope')).text).toBe(errorText('toxic not found', 404))
    expect((await call(tox.url, 'PATCH', '/proxies/p/toxics/nope', '{')).text).toBe(errorText('toxic not found', 404))
    expect((await call(tox.url, 'DELETE', '/proxies/p/toxics/nope')).text).toBe(errorText('toxic not found', 404))
  })

  test('a negative bandwidth rate is a 400 in Toxiproxy\'s error shape, on create and on update (2.12 would crash on it)', async ({ tox }) => {
    await tox.store.createProxy({ name: 'p', upstream: 'x:1', enabled: false })
    const negative = errorText('bad request body: invalid value -1 for bandwidth attribute rate: must be 0 or more (0 stalls the stream)', 400)
    const created = await call(tox.url, 'POST', '/proxies/p/toxics', '{"type":"bandwidth","attributes":{"rate":-1}}')
    expect(created.status).toBe(400)
    expect(created.text).toBe(negative)
    expect(created.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect((await call(tox.url, 'GET', '/proxies/p/toxics')).json()).toEqual([])
    expect((await call(tox.url, 'POST', '/proxies/p/toxics', '{"type":"bandwidth","attributes":{"rate":0}}')).json().attributes).toEqual({ rate: 0 })
    const updated = await call(tox.url, 'PATCH', '/proxies/p/toxics/bandwidth_downstream', '{"attributes":{"rate":-1},"toxicity":0.5}')
    expect(updated.text).toBe(negative)
    expect((await call(tox.url, 'GET', '/proxies/p/toxics/bandwidth_downstream')).json()).toMatchObject({ attributes: { rate: 0 }, toxicity: 1 })
  })

  test('toxicity is not range-checked', async ({ tox }) => {
    await tox.store.createProxy({ name: 'p', upstream: 'x:1', enabled: false })
    expect((await call(tox.url, 'POST', '/proxies/p/toxics', '{"type":"noop","toxicity":2.5}')).json().toxicity).toBe(2.5)
    expect((await call(tox.url, 'POST', '/proxies/p/toxics', '{"type":"noop","name":"n","toxicity":-1}')).json().toxicity).toBe(-1)
  })

  test('list: upstream first, then downstream, each in creation order', async ({ tox }) => {
    await tox.store.createProxy({ name: 'p', upstream: 'x:1', enabled: false })
    for (const [name, stream] of [['d1', 'downstream'], ['u1', 'upstream'], ['d2', 'downstream'], ['u2', 'upstream']]) {
      await call(tox.url, 'POST', '/proxies/p/toxics', JSON.stringify({ type: 'noop', name, stream }))
    }
    expect((await call(tox.url, 'GET', '/proxies/p/toxics')).json().map((t: { name: string }) => t.name)).toEqual(['u1', 'u2', 'd1', 'd2'])
  })

  test('update merges attributes, keeps toxicity when omitted, ignores name/type/stream', async ({ tox }) => {
    await tox.store.createProxy({ name: 'p', upstream: 'x:1', enabled: false })
    await call(tox.url, 'POST', '/proxies/p/toxics', '{"type":"latency","toxicity":0.5,"attributes":{"latency":100,"jitter":10}}')
    const r = await call(tox.url, 'PATCH', '/proxies/p/toxics/latency_downstream', '{"name":"other","type":"timeout","stream":"upstream","attributes":{"jitter":20}}')
    expect(r.text).toBe('{"attributes":{"latency":100,"jitter":20},"name":"latency_downstream","type":"latency","stream":"downstream","toxicity":0.5}')
    const post = await call(tox.url, 'POST', '/proxies/p/toxics/latency_downstream', '{"toxicity":1}')
    expect(post.json()).toMatchObject({ toxicity: 1, attributes: { latency: 100, jitter: 20 } })
    const del = await call(tox.url, 'DELETE', '/proxies/p/toxics/latency_downstream')
    expect(del.status).toBe(204)
  })

  test('reset re-enables proxies and removes every toxic', async ({ tox }) => {
    await tox.store.createProxy({ name: 'p', listen: '127.0.0.1:0', upstream: 'x:1', enabled: false })
    await call(tox.url, 'POST', '/proxies/p/toxics', '{"type":"latency"}')
    const r = await call(tox.url, 'POST', '/reset')
    expect(r.status).toBe(204)
    expect((await call(tox.url, 'GET', '/proxies/p')).json()).toMatchObject({ enabled: true, toxics: [] })
  })
})

describe('extension: GET /proxies/{p}/connections', () => {
  test('lists live connections with bytes and which toxics apply', async ({ tox, echo }) => {
    const proxy = await tox.store.createProxy({ name: 'e', listen: '127.0.0.1:0', upstream: echo.address })
    await tox.store.addToxic('e', { type: 'latency', toxicity: 1 })
    const client = await dial(Number(proxy.listen.split(':')[1]))
    client.write('hello')
    await waitFor(() => tox.stats('e').downstream.sentBytes === 5, 'the echo')
    const list = (await call(tox.url, 'GET', '/proxies/e/connections')).json()
    expect(list).toHaveLength(1)
    expect(list[0]).toMatchObject({
      client: `127.0.0.1:${client.localPort}`,
      bytes: { upstream: { received: 5, sent: 5 }, downstream: { received: 5, sent: 5 } },
      toxics: [{ name: 'latency_downstream', stream: 'downstream', active: true }],
    })
    expect((await call(tox.url, 'GET', '/proxies/nope/connections')).status).toBe(404)
    client.destroy()
  })
})
