/** toxiproxy-node-client 4.1.0 against the embedded server, used exactly as its users do. */
import { type ICreateToxicBody, type Latency, Toxiproxy } from 'toxiproxy-node-client'
import { describe, expect } from 'vitest'
import { dial, pattern, readFrom, toxiTest as test, unusedPort } from './testkit.ts'

describe('toxiproxy-node-client 4.1.0', () => {
  test('version is the raw text of /version', async ({ tox }) => {
    expect(await new Toxiproxy(tox.url).getVersion()).toBe('{"version": "2.12.0"}\n')
  })

  test('create, get, getAll, update (upstream only keeps enabled), remove', async ({ tox, echo }) => {
    const toxiproxy = new Toxiproxy(tox.url)
    const proxy = await toxiproxy.createProxy({ name: 'echo', listen: '127.0.0.1:0', upstream: echo.address })
    expect(proxy).toMatchObject({ name: 'echo', upstream: echo.address, enabled: true })
    expect(proxy.listen).toMatch(/^127\.0\.0\.1:\d+$/)

    const got = await toxiproxy.get('echo')
    expect(got.toJson()).toEqual(proxy.toJson())
    expect(Object.keys(await toxiproxy.getAll())).toEqual(['echo'])

    const updated = await got.update({ enabled: true, listen: got.listen, upstream: 'somehost:12345' })
    expect(updated).toMatchObject({ upstream: 'somehost:12345', enabled: true, listen: proxy.listen })
    const disabled = await updated.update({ enabled: false, listen: updated.listen, upstream: updated.upstream })
    expect(disabled.enabled).toBe(false)

    await disabled.remove()
    await expect(toxiproxy.get('echo')).rejects.toThrow('Request failed with status code 404')
  })

  test('duplicates are 409, missing proxies 404', async ({ tox }) => {
    const toxiproxy = new Toxiproxy(tox.url)
    await toxiproxy.createProxy({ name: 'dup', listen: '127.0.0.1:0', upstream: 'localhost:1' })
    await expect(toxiproxy.createProxy({ name: 'dup', listen: '127.0.0.1:0', upstream: 'localhost:1' })).rejects.toThrow('status code 409')
    await expect(toxiproxy.get('missing')).rejects.toThrow('status code 404')
  })

  test('populate, including [] (which the client would crash on if answered with null)', async ({ tox, echo }) => {
    const toxiproxy = new Toxiproxy(tox.url)
    expect(await toxiproxy.populate([])).toEqual({})
    const listen = `127.0.0.1:${await unusedPort()}`
    const proxies = await toxiproxy.populate([
      { name: 'one', listen, upstream: echo.address },
      { name: 'two', listen: '127.0.0.1:0', upstream: echo.address, enabled: false },
    ])
    expect(Object.keys(proxies)).toEqual(['one', 'two'])
    expect((await toxiproxy.getAll()).one!.listen).toBe(listen)
    expect(proxies.two!.enabled).toBe(false)
  })

  test('add, get, update and remove a toxic; it affects traffic', async ({ tox, echo }) => {
    const toxiproxy = new Toxiproxy(tox.url)
    const proxy = await toxiproxy.createProxy({ name: 'echo', listen: '127.0.0.1:0', upstream: echo.address })
    // The client's own helpers send only type and attributes: the server's defaults must hold.
    const toxic = await proxy.addToxic({ type: 'latency', attributes: { latency: 100, jitter: 0 } } as ICreateToxicBody<Latency>)
    expect(toxic.toJson()).toEqual({ name: 'latency_downstream', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 100, jitter: 0 } })

    const port = Number(proxy.listen.split(':')[1])
    const client = await dial(port)
    const reading = readFrom(client, { bytes: 10 })
    const start = performance.now()
    client.write(pattern(10))
    expect((await reading).data.equals(pattern(10))).toBe(true)
    expect(performance.now() - start).toBeGreaterThanOrEqual(99)

    const fetched = await proxy.getToxic('latency_downstream')
    expect(fetched.attributes).toEqual({ latency: 100, jitter: 0 })
    const updated = await fetched.update({ ...fetched.toJson(), attributes: { latency: 5, jitter: 1 }, toxicity: 0.5 })
    expect(updated.toJson()).toMatchObject({ attributes: { latency: 5, jitter: 1 }, toxicity: 0.5 })

    await expect(proxy.addToxic({ name: 'latency_downstream', type: 'latency', stream: 'upstream', toxicity: 1, attributes: { latency: 1, jitter: 0 } })).rejects.toThrow(
      'status code 409',
    )
    await updated.remove()
    await expect(proxy.getToxic('latency_downstream')).rejects.toThrow('status code 404')
    await expect(updated.remove()).rejects.toThrow('status code 404')
    client.destroy()
  })

  test('a negative bandwidth rate is refused with 400', async ({ tox }) => {
    const proxy = await new Toxiproxy(tox.url).createProxy({ name: 'p', listen: '127.0.0.1:0', upstream: 'localhost:1' })
    await expect(proxy.addToxic({ name: 'bw', type: 'bandwidth', stream: 'downstream', toxicity: 1, attributes: { rate: -1 } })).rejects.toThrow('status code 400')
  })

  test('reset re-enables proxies and clears toxics', async ({ tox, echo }) => {
    const toxiproxy = new Toxiproxy(tox.url)
    const proxy = await toxiproxy.createProxy({ name: 'echo', listen: '127.0.0.1:0', upstream: echo.address })
    await proxy.addToxic({ name: 't', type: 'timeout', stream: 'upstream', toxicity: 1, attributes: { timeout: 0 } })
    await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream })
    await toxiproxy.reset()
    const after = await toxiproxy.get('echo')
    expect(after.enabled).toBe(true)
    await expect(after.getToxic('t')).rejects.toThrow('status code 404')
  })

  test('works with "localhost" in the server URL', async ({ tox }) => {
    const toxiproxy = new Toxiproxy(`http://localhost:${tox.port}`)
    expect(await toxiproxy.getAll()).toEqual({})
  })
})
