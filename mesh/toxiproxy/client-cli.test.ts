/** The fetch client and the `toxic` CLI commands, against the embedded server. */
import { describe, expect } from 'vitest'
import { runToxicCommand } from './cli.ts'
import { createToxiproxyClient } from './client.ts'
import { toxiTest as test, unusedPort } from './testkit.ts'
import type { ToxiproxyApi } from './types.ts'

/** One scenario, run against any ToxiproxyApi: the embedded store and the HTTP client must agree. */
async function scenario(api: ToxiproxyApi) {
  const created = await api.createProxy({ name: 'svc', listen: '127.0.0.1:0', upstream: 'localhost:1', enabled: false })
  const toxic = await api.addToxic('svc', { type: 'latency', stream: 'upstream', attributes: { latency: 10 } })
  const updated = await api.updateToxic('svc', toxic.name, { attributes: { jitter: 2 }, toxicity: 0.25 })
  const listed = await api.listToxics('svc')
  const proxies = await api.listProxies()
  const populated = await api.populate([{ name: 'svc', listen: '127.0.0.1:0', upstream: 'localhost:1', enabled: false }])
  await api.removeToxic('svc', toxic.name)
  const error = await api.getToxic('svc', toxic.name).catch((e: unknown) => e)
  await api.deleteProxy('svc')
  return { version: await api.version(), created, toxic, updated, listed, proxies, populated, error: { ...(error as object), message: (error as Error).message } }
}

describe('createToxiproxyClient', () => {
  test('behaves like the embedded store (one ToxiproxyApi)', async ({ tox }) => {
    const viaStore = await scenario(tox.store)
    const viaHttp = await scenario(createToxiproxyClient(`${tox.url}/`))
    expect(viaHttp).toEqual(viaStore)
    expect(viaHttp.error).toMatchObject({ status: 404, detail: 'toxic not found', message: 'HTTP 404: toxic not found' })
    expect(viaHttp.updated).toEqual({ name: 'latency_upstream', type: 'latency', stream: 'upstream', toxicity: 0.25, attributes: { latency: 10, jitter: 2 } })
  })

  test('errors carry the status and the server\'s text', async ({ tox }) => {
    const api = createToxiproxyClient(tox.url)
    await expect(api.getProxy('nope')).rejects.toMatchObject({ status: 404, message: 'HTTP 404: proxy not found' })
    await expect(api.createProxy({ name: 'x', upstream: '' })).rejects.toMatchObject({ status: 400, message: 'HTTP 400: missing required field: upstream' })
    await api.createProxy({ name: 'a b?c#d%', upstream: 'x:1', enabled: false }) // names are URL-encoded
    expect((await api.getProxy('a b?c#d%')).name).toBe('a b?c#d%')
  })

  test('a failed populate carries what was done', async ({ tox }) => {
    const api = createToxiproxyClient(tox.url)
    const a = await api.createProxy({ name: 'a', listen: '127.0.0.1:0', upstream: 'x:1' })
    const error = await api.populate([{ name: 'a', listen: a.listen, upstream: 'x:1' }, { name: 'b', listen: a.listen, upstream: 'x:1' }]).catch((e: unknown) => e)
    expect(error).toMatchObject({ status: 500, detail: `listen tcp ${a.listen}: bind: address already in use`, proxies: [{ name: 'a' }] })
  })

  test('an unreachable server is status 0 with the socket error code', async () => {
    const api = createToxiproxyClient(`http://127.0.0.1:${await unusedPort()}`)
    await expect(api.listProxies()).rejects.toMatchObject({ status: 0, code: 'ECONNREFUSED' })
  })
})

describe('runToxicCommand', () => {
  async function run(url: string, ...argv: string[]) {
    let stdout = ''
    let stderr = ''
    const code = await runToxicCommand(argv, { url, stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) })
    return { code, stdout, stderr }
  }

  test('add, update, list, remove, like toxiproxy-cli', async ({ tox }) => {
    await tox.store.createProxy({ name: 'reviews-v2', upstream: 'x:1', enabled: false })
    const added = await run(tox.url, 'toxic', 'add', 'reviews-v2', '-t', 'latency', '-a', 'latency=1000', '-a', 'jitter=50', '--upstream', '--toxicity', '0.5')
    expect(added).toEqual({ code: 0, stdout: "Added upstream latency toxic 'latency_upstream' on proxy 'reviews-v2'\n", stderr: '' })
    expect(await tox.store.getToxic('reviews-v2', 'latency_upstream')).toMatchObject({ toxicity: 0.5, attributes: { latency: 1000, jitter: 50 } })

    expect((await run(tox.url, 'add', 'reviews-v2', '--type=bandwidth', '-n', 'slow', '-a', 'rate=10')).code).toBe(0)
    expect((await run(tox.url, 'update', 'reviews-v2', '-n', 'slow', '-a', 'rate=20')).stdout).toBe("Updated toxic 'slow' on proxy 'reviews-v2'\n")
    expect((await tox.store.getToxic('reviews-v2', 'slow')).attributes).toEqual({ rate: 20 })

    const list = await run(tox.url, 'list')
    expect(list.code).toBe(0)
    expect(list.stdout.split('\n')[0]).toMatch(/^PROXY\s+LISTEN\s+UPSTREAM\s+ENABLED\s+TOXIC\s+TYPE\s+STREAM\s+TOXICITY\s+ATTRIBUTES$/)
    expect(list.stdout).toMatch(/reviews-v2 .* latency_upstream\s+latency\s+upstream\s+0\.5\s+latency=1000 jitter=50/)
    expect(list.stdout).toMatch(/slow\s+bandwidth\s+downstream\s+1\s+rate=20/)

    expect((await run(tox.url, 'remove', 'reviews-v2', '-n', 'slow')).stdout).toBe("Removed toxic 'slow' on proxy 'reviews-v2'\n")
    expect(await tox.store.listToxics('reviews-v2')).toHaveLength(1)
  })

  test('reset, enable and disable', async ({ tox }) => {
    await tox.store.createProxy({ name: 'p', listen: '127.0.0.1:0', upstream: 'x:1' })
    await tox.store.addToxic('p', { type: 'noop' })
    expect((await run(tox.url, 'disable', 'p')).stdout).toBe("Proxy 'p' is now disabled\n")
    expect((await tox.store.getProxy('p')).enabled).toBe(false)
    expect((await run(tox.url, 'enable', 'p')).code).toBe(0)
    expect((await tox.store.getProxy('p')).enabled).toBe(true)
    expect((await run(tox.url, 'reset')).code).toBe(0)
    expect(await tox.store.listToxics('p')).toEqual([])
  })

  test('one-line errors that name what was wrong', async ({ tox }) => {
    await tox.store.createProxy({ name: 'p', upstream: 'x:1', enabled: false })
    await tox.store.addToxic('p', { type: 'latency', name: 'lat' })
    const cases: Array<[string[], number, string]> = [
      [['add', 'p', '-t', 'jitter'], 2, "error: unknown toxic type 'jitter' (valid: latency, bandwidth, slow_close, timeout, reset_peer, slicer, limit_data, noop)\n"],
      [['add', 'p', '-t', 'latency', '-a', 'latnecy=5'], 2, "error: unknown attribute 'latnecy' for a latency toxic (valid: latency, jitter)\n"],
      [['add', 'p', '-t', 'latency', '-a', 'latency=fast'], 2, "error: attribute latency must be an integer, got 'fast'\n"],
      [['add', 'p', '-t', 'latency', '-u', '-d'], 2, 'error: give only one of --upstream and --downstream\n'],
      [['add', 'p', '-t', 'latency', '--tox', '2'], 2, "error: --toxicity must be a number from 0 to 1, got '2'\n"],
      [['add', '-t', 'latency'], 2, "error: 'toxic add' needs a proxy name\n"],
      [['add', 'p', '--color'], 2, "error: unknown option --color for 'toxic add'\n"],
      [['add', 'nope', '-t', 'latency'], 1, "error: cannot add toxic to proxy 'nope': HTTP 404: proxy not found\n"],
      [['add', 'p', '-t', 'latency', '-n', 'lat'], 1, "error: cannot add toxic to proxy 'p': HTTP 409: toxic already exists\n"],
      [['update', 'p', '-n', 'gone', '-a', 'latency=1'], 1, "error: cannot update toxic 'gone' on proxy 'p': HTTP 404: toxic not found\n"],
      [['update', 'p', '-n', 'lat', '-a', 'rate=1'], 2, "error: unknown attribute 'rate' for a latency toxic (valid: latency, jitter)\n"],
      [['remove', 'p'], 2, "error: 'toxic remove' needs the toxic's name: -n <name>\n"],
      [['frobnicate'], 2, "error: unknown command 'frobnicate' (try: add, update, remove, list, reset, enable, disable, --help)\n"],
    ]
    for (const [argv, code, stderr] of cases) expect(await run(tox.url, ...argv), argv.join(' ')).toEqual({ code, stdout: '', stderr })
  })

  test('--help prints usage and exits 0', async ({ tox }) => {
    const help = await run(tox.url, 'toxic', '--help')
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('Usage: meshdojo toxic <command>')
    expect((await run(tox.url, 'add', '--help')).code).toBe(0)
    expect((await run(tox.url)).code).toBe(2)
  })
})
