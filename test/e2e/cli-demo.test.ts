/** `meshdojo demo` as a user runs it: the ready line, the admin API, Ctrl-C, and port errors. */
import { createServer } from 'node:net'
import { once } from 'node:events'
import { describe, expect, test } from 'vitest'
import { request } from 'undici'
import { runCli, startCli } from '../support/cli.ts'
import { startToxiproxyServer } from '../../mesh/toxiproxy/index.ts'
import { sfc32 } from '../../mesh/random.ts'

describe('meshdojo demo', () => {
  test('prints one ready line with real addresses, serves /stats, and exits 0 on SIGINT within 2 s', async () => {
    const cli = startCli(['demo', '--port', '0', '--admin-port', '0', '--toxiproxy-port', '0', '--seed', '7', '--rps', '5', '--plain'])
    try {
      const [, ingress, admin] = await cli.waitFor(/ready: Bookinfo at (http:\/\/127\.0\.0\.1:\d+)\/productpage · admin (http:\/\/127\.0\.0\.1:\d+)/)
      expect(cli.stdout()).toContain('seed 7')
      const page = await request(`${ingress}/productpage`)
      expect(page.statusCode).toBe(200)
      await page.body.dump()
      const stats = (await (await request(`${admin}/stats`)).body.json()) as { workloads: { name: string }[] }
      expect(stats.workloads.map((w) => w.name)).toContain('productpage-v1')
      const registry = (await (await request(`${admin}/registry`)).body.json()) as { services: { name: string }[] }
      expect(registry.services.map((s) => s.name).sort()).toEqual(['details', 'productpage', 'ratings', 'reviews'])
      expect((await request(`${admin}/ready`)).statusCode).toBe(200)
      await cli.waitFor(/NAME\s+VERSION\s+MESHED\s+SUCCESS\s+RPS\s+P50\s+P95\s+P99[\s\S]*reviews-v3/, 15_000)
      const started = performance.now()
      cli.child.kill('SIGINT')
      expect(await cli.exited()).toBe(0)
      expect(performance.now() - started).toBeLessThan(2_500)
    } finally {
      cli.child.kill('SIGKILL')
    }
  })

  test('a port in use gives a one-line error naming the port and the flag, exit code 2', async () => {
    const blocker = createServer()
    blocker.listen(0, '127.0.0.1')
    await once(blocker, 'listening')
    const port = (blocker.address() as { port: number }).port
    try {
      const { code, stderr } = await runCli(['demo', '--port', String(port), '--admin-port', '0', '--toxiproxy-port', '0', '--no-load'])
      expect(code).toBe(2)
      expect(stderr.trim().split('\n')).toHaveLength(1)
      expect(stderr).toContain(`port ${port} is already in use (--port)`)
    } finally {
      blocker.close()
    }
  })

  test('--toxiproxy-url creates the links on an external Toxiproxy', async () => {
    const external = await startToxiproxyServer({ port: 0, random: sfc32(1) })
    const cli = startCli(['demo', '--port', '0', '--admin-port', '0', '--toxiproxy-url', external.url, '--no-load', '--plain'])
    try {
      const [, ingress] = await cli.waitFor(/ready: Bookinfo at (http:\/\/127\.0\.0\.1:\d+)\/productpage/)
      expect(cli.stdout()).toContain(`toxiproxy ${external.url}`)
      expect(Object.keys(await external.store.listProxies())).toContain('ratings-v1')
      const page = await request(`${ingress}/productpage`)
      expect(page.statusCode).toBe(200)
      await page.body.dump()
      expect(external.stats('productpage-v1').connectionsOpened).toBeGreaterThan(0)
      cli.child.kill('SIGINT')
      expect(await cli.exited()).toBe(0)
    } finally {
      cli.child.kill('SIGKILL')
      await external.close()
    }
  })

  test('the admin API refuses a non-loopback address unless --allow-remote', async () => {
    const { code, stderr } = await runCli(['demo', '--admin-host', '0.0.0.0', '--port', '0', '--admin-port', '0', '--toxiproxy-port', '0'])
    expect(code).toBe(1)
    expect(stderr).toContain('--admin-host 0.0.0.0 is not a loopback address')
    expect(stderr).toContain('--allow-remote')
  })

  test('bad flags are usage errors', async () => {
    const { code, stderr } = await runCli(['demo', '--port', 'abc'])
    expect(code).toBe(2)
    expect(stderr).toContain('--port must be a port number')
    expect((await runCli(['nosuch'])).code).toBe(2)
  })

  test('--help lists the commands', async () => {
    const { code, stdout } = await runCli(['--help'])
    expect(code).toBe(0)
    expect(stdout).toContain('demo')
  })
})
