/**
 * `meshdojo toxiproxy` as a drop-in toxiproxy-server: the real binary, a -config file, a real
 * client (toxiproxy-node-client), TCP through a proxy to a real upstream, a toxic, /metrics as
 * Toxiproxy's own scripts/test-e2e greps it, and Ctrl-C.
 */
import { once } from 'node:events'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type ICreateToxicBody, type Latency, Toxiproxy } from 'toxiproxy-node-client'
import { describe, expect, test } from 'vitest'
import { dial, pattern, readFrom, startUpstream, waitFor } from '../../mesh/toxiproxy/testkit.ts'
import { startCli } from '../support/cli.ts'

/** Sends `bytes` through a proxy port and returns how long the echo took (ms). */
async function roundTrip(port: number, bytes: number): Promise<number> {
  const client = await dial(port)
  const data = pattern(bytes)
  const reading = readFrom(client, { bytes })
  const started = performance.now()
  client.write(data)
  const result = await reading
  const ms = performance.now() - started
  client.destroy()
  expect(result.data.equals(data)).toBe(true)
  return ms
}

const refuses = async (port: number) => {
  const socket = connect(port, '127.0.0.1')
  await expect(once(socket, 'connect')).rejects.toMatchObject({ code: 'ECONNREFUSED' })
}

describe('meshdojo toxiproxy', () => {
  test('-config, toxiproxy-node-client, TCP with a latency toxic, /metrics, then SIGINT: exit 0 and nothing left listening', { timeout: 30_000 }, async () => {
    const echo = await startUpstream('echo')
    const dir = await mkdtemp(join(tmpdir(), 'meshdojo-toxiproxy-e2e-'))
    const config = join(dir, 'toxiproxy.json')
    // The shape of Toxiproxy's own e2e: a proxy on 127.0.0.1 in front of a "localhost:" upstream.
    await writeFile(config, JSON.stringify([{ name: 'shopify_http', listen: '127.0.0.1:0', upstream: `localhost:${echo.port}` }]))
    const cli = startCli(['toxiproxy', '-port', '0', '--config', config, '-proxy-metrics', '-runtime-metrics'], { LOG_LEVEL: 'info' })
    try {
      const [, apiPort] = await cli.waitFor(/^\{"level":"info","address":"localhost:(\d+)","time":"[^"]+","message":"Starting Toxiproxy HTTP server"\}$/m)
      const url = `http://127.0.0.1:${apiPort}`
      const toxiproxy = new Toxiproxy(url)
      expect(await toxiproxy.getVersion()).toBe('{"version": "2.12.0"}\n')

      const fromConfig = (await toxiproxy.getAll()).shopify_http!
      expect(fromConfig).toMatchObject({ upstream: `localhost:${echo.port}`, enabled: true })
      const configPort = Number(fromConfig.listen.split(':')[1])
      await roundTrip(configPort, 100)

      const proxy = await toxiproxy.createProxy({ name: 'echo', listen: '127.0.0.1:0', upstream: echo.address })
      const proxyPort = Number(proxy.listen.split(':')[1])
      expect(await roundTrip(proxyPort, 1000)).toBeLessThan(1000)
      const toxic = await proxy.addToxic({ type: 'latency', attributes: { latency: 150, jitter: 0 } } as ICreateToxicBody<Latency>)
      expect(await roundTrip(proxyPort, 10)).toBeGreaterThanOrEqual(149)
      await toxic.remove()

      const metrics = await (await fetch(`${url}/metrics`)).text()
      // scripts/test-e2e's own grep, with this run's addresses.
      expect(metrics).toMatch(new RegExp(`^toxiproxy_proxy_sent_bytes_total\\{direction="downstream",listener="127\\.0\\.0\\.1:${configPort}",proxy="shopify_http",upstream="localhost:${echo.port}"\\} [0-9]+`, 'm'))
      expect(metrics).toContain(`toxiproxy_proxy_received_bytes_total{direction="upstream",listener="127.0.0.1:${proxyPort}",proxy="echo",upstream="${echo.address}"} 1010\n`)
      // -runtime-metrics: Node's runtime where Toxiproxy has Go's.
      expect(metrics).toMatch(/^process_cpu_seconds_total \d/m)
      expect(metrics).toMatch(/^nodejs_version_info\{/m)

      // A connection still open at Ctrl-C must be closed too, on both sides.
      const open = await dial(proxyPort)
      const openClosed = readFrom(open, { until: 'close' })
      await waitFor(() => echo.sockets.size === 1, 'the open connection to reach the upstream')
      cli.child.kill('SIGINT')
      expect(await cli.exited()).toBe(0)
      expect((await openClosed).ended).toBe(true)
      await waitFor(() => echo.sockets.size === 0, 'the upstream side to close')
      expect(cli.stdout()).toMatch(/"message":"Shutdown started"\}\n$/)
      expect(cli.stderr()).toBe('')
      for (const port of [Number(apiPort), configPort, proxyPort]) await refuses(port)
    } finally {
      cli.child.kill('SIGKILL')
      await echo.close()
      await rm(dir, { recursive: true, force: true })
    }
  })
})
