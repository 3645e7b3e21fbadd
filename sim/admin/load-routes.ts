/**
 * POST /load: runs a fortio-style load from a meshed client workload inside the demo (like the
 * fortio pod of Istio's circuit-breaking task), so the client sidecar's connectionPool limits apply.
 */
import express, { type Express } from 'express'
import { startMeshedClient, type MeshedClient } from '../load/meshed-client.ts'
import { runLoad } from '../load/load-run.ts'
import type { Mesh } from '../mesh/start-mesh.ts'

/** Upper bounds on one run requested over the API: load loops are always bounded. */
const MAX_REQUESTS = 100_000
const MAX_DURATION_MS = 10 * 60_000

export function loadRoutes(mesh: Mesh): { routes: (app: Express) => void; close(): Promise<void> } {
  const clients = new Map<string, Promise<MeshedClient>>()
  const clientFor = (name: string) => {
    let client = clients.get(name)
    if (!client) {
      client = startMeshedClient(mesh, name)
      clients.set(name, client)
    }
    return client
  }
  return {
    routes(app) {
      app.post('/load', express.json({ limit: '64kb' }), async (req, res) => {
        const body = (req.body ?? {}) as Record<string, unknown>
        const url = typeof body.url === 'string' ? body.url : ''
        let target: URL
        try {
          target = new URL(url)
        } catch {
          res.status(400).json({ error: `url must be an absolute URL like http://httpbin:8000/get, got ${JSON.stringify(body.url)}` })
          return
        }
        const client = String(body.client ?? 'fortio').replace(/[^a-z0-9-]/g, '') || 'fortio'
        const n = (key: string, fallback: number, max: number) => Math.min(max, Math.max(0, Number(body[key] ?? fallback) || 0))
        // Only string header values: anything else is a 400, not a failed run.
        const rawHeaders = body.headers
        if (rawHeaders !== undefined && (typeof rawHeaders !== 'object' || rawHeaders === null || Array.isArray(rawHeaders) || Object.values(rawHeaders).some((v) => typeof v !== 'string'))) {
          res.status(400).json({ error: `headers must be an object of strings, like {"end-user": "jason"}, got ${JSON.stringify(rawHeaders)}` })
          return
        }
        const headers = rawHeaders as Record<string, string> | undefined
        const result = await runLoad({
          url: target.href,
          dispatcher: (await clientFor(client)).dispatcher,
          concurrency: Math.max(1, n('concurrency', 4, 256)),
          requests: n('requests', 0, MAX_REQUESTS),
          durationMs: n('durationMs', 0, MAX_DURATION_MS) || (n('requests', 0, MAX_REQUESTS) ? undefined : 5_000),
          qps: n('qps', 8, 100_000),
          headers,
          clock: mesh.clock,
        })
        res.json({ client: `${client}-v1`, ...result })
      })
    },
    async close() {
      const all = await Promise.all(clients.values())
      await Promise.all(all.map((c) => c.close()))
    },
  }
}
