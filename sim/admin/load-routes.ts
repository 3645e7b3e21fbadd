/**
 * POST /load: runs a fortio-style load from a meshed client workload inside the demo (like the
 * fortio pod of Istio's circuit-breaking task), so the client sidecar's connectionPool limits apply.
 * The client is the mesh's own (`mesh.clients`): the one a lesson's traffic uses, known to every view.
 */
import express, { type Express } from 'express'
import { runLoad } from '../load/load-run.ts'
import type { Mesh } from '../mesh/start-mesh.ts'

/** Upper bounds on one run requested over the API: load loops are always bounded. */
const MAX_REQUESTS = 100_000
const MAX_DURATION_MS = 10 * 60_000

export function loadRoutes(mesh: Pick<Mesh, 'clients' | 'clock'>): { routes: (app: Express) => void; close(): Promise<void> } {
  const clientFor = (name: string) => mesh.clients.get(name)
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
    /** Nothing to stop: the clients belong to the mesh and stop with it. */
    async close() {},
  }
}
