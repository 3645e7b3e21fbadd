/**
 * The floor a Node sidecar can reach (the reference's "undici, 1 hop, inproc"): node:http in front of
 * one undici Pool, `stream()` writing the upstream body straight into the response, no filters.
 * Measured next to meshdojo's hop so the cost of its features is visible in the same run.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Pool } from 'undici'
import { startBenchApp } from './bench-app.ts'
import { runServer } from './child-runtime.ts'

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer'])

runServer(async () => {
  const app = await startBenchApp()
  const pool = new Pool(`http://${app.address}`, { connections: 64, keepAliveTimeout: 4_000 })
  const server = http.createServer((req, res) => {
    pool
      .stream({ method: req.method as 'GET', path: req.url ?? '/', headers: req.headers as Record<string, string>, body: req.method === 'GET' || req.method === 'HEAD' ? null : req }, ({ statusCode, headers }) => {
        for (const [name, value] of Object.entries(headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) res.setHeader(name, value)
        res.statusCode = statusCode
        return res
      })
      .catch(() => {
        if (!res.headersSent) res.writeHead(502)
        res.end()
      })
  })
  server.keepAliveTimeout = 120_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  return {
    ready: { ports: { entry: (server.address() as AddressInfo).port } },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      await pool.close()
      await app.close()
    },
  }
})
