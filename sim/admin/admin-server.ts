/**
 * The admin API (127.0.0.1 only): readiness, live stats, the registry, and, as features land,
 * config, metrics, logs and traces. Routes are added by feature modules so this file only wires.
 */
import express, { type Express, type Request, type Response, type NextFunction } from 'express'
import type { AddressInfo } from 'node:net'
import { createServer, type Server } from 'node:http'
import type { Mesh } from '../mesh/start-mesh.ts'
import { listen } from '../../mesh/http/listener.ts'

export interface AdminServer {
  readonly url: string
  readonly port: number
  close(): Promise<void>
}

/** Adds routes for one feature (config, metrics, …) to the admin app. */
export type AdminRoutes = (app: Express) => void

export async function startAdminServer(mesh: Mesh, options: { port: number; routes?: readonly AdminRoutes[] }): Promise<AdminServer> {
  const app = express()
  app.disable('x-powered-by')
  app.get('/ready', (_req, res) => {
    res.type('text/plain').send('LIVE\n')
  })
  app.get('/stats', (req, res) => {
    const window = Number(req.query.window ?? 10)
    res.json(mesh.stats.snapshot(Number.isFinite(window) && window > 0 ? Math.min(window, 120) : 10))
  })
  app.get('/registry', (_req, res) => {
    res.json({
      services: mesh.registry.list().map((s) => ({
        ...s,
        endpoints: s.endpoints.map((e) => ({ ...e, state: mesh.workloads.get(e.workload)?.state ?? 'unknown', podName: mesh.workloads.get(e.workload)?.podName })),
      })),
    })
  })
  for (const add of options.routes ?? []) add(app)
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found', routes: ['/ready', '/stats', '/registry', '/config', '/apply', '/delete', '/reset', '/load', '/metrics', '/stats/prometheus', '/clusters', '/logs', '/traces', '/workloads/:name/trace-propagation'] })
  })
  app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
    const status = (err as { status?: number }).status ?? 500
    res.status(status).json({ error: err.message })
  })
  const s: Server = createServer(app)
  await listen(s, options.port, '127.0.0.1')
  const port = (s.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        s.close(() => resolve())
        s.closeAllConnections()
      }),
  }
}
