/**
 * Configuration 5, the baseline: the same two-hop path built on http-proxy 1.18 with keep-alive
 * agents (without one it sends `connection: close` and opens a socket per request), in one process.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import httpProxy from 'http-proxy'
import { startBenchApp } from './bench-app.ts'
import { runServer } from './child-runtime.ts'

async function startHop(target: string): Promise<{ port: number; close(): Promise<void> }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 64 })
  const proxy = httpProxy.createProxyServer({ target, agent })
  // Without this listener a socket hang-up crashes the process (http-proxy #527).
  proxy.on('error', (_err, _req, res) => {
    if ('writeHead' in res && !res.headersSent) res.writeHead(502)
    res.end()
  })
  const server = http.createServer((req, res) => proxy.web(req, res))
  server.keepAliveTimeout = 120_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
        agent.destroy()
        proxy.close()
      }),
  }
}

runServer(async () => {
  const app = await startBenchApp()
  const inner = await startHop(`http://${app.address}`)
  const outer = await startHop(`http://127.0.0.1:${inner.port}`)
  return {
    ready: { ports: { entry: outer.port, oneHop: inner.port } },
    async close() {
      await outer.close()
      await inner.close()
      await app.close()
    },
  }
})
