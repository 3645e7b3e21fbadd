/**
 * The admin API (loopback unless `allowRemote`): readiness, live stats, the registry, and, as
 * features land, config, metrics, logs and traces. Routes are added by feature modules so this
 * file only wires. Bodies are size-limited by each route's parser; malformed input answers 4xx;
 * requests a web page could have sent answer 403 (see local-only.ts).
 */
import express, { type Express, type Request, type Response, type NextFunction } from 'express'
import type { AddressInfo } from 'node:net'
import { createServer, type Server } from 'node:http'
import type { Mesh } from '../mesh/start-mesh.ts'
import { listen } from '../../mesh/http/listener.ts'
import { bindHost } from '../../mesh/http/bind-address.ts'
import { localOnly } from './local-only.ts'

export interface AdminServer {
  readonly url: string
  readonly port: number
  close(): Promise<void>
}

/** Adds routes for one feature (config, metrics, …) to the admin app. */
export type AdminRoutes = (app: Express) => void

export interface AdminServerOptions {
  readonly port: number
  /** Default 127.0.0.1; a non-loopback address needs `allowRemote` (else MESH_REMOTE_BIND_REFUSED). */
  readonly host?: string
  readonly allowRemote?: boolean
  readonly routes?: readonly AdminRoutes[]
}

export async function startAdminServer(mesh: Mesh, options: AdminServerOptions): Promise<AdminServer> {
  const host = bindHost(options.host, { allowRemote: options.allowRemote, flag: '--admin-host' })
  const app = express()
  app.disable('x-powered-by')
  // First, before any route or body parser: a refused request must not reach one.
  app.use(localOnly(host))
  app.get('/ready', (_req, res) => {
    res.type('text/plain').send('LIVE\n')
  })
  // `/stats?workload=W` is that proxy's Envoy /stats (cluster-routes.ts); without it, the mesh's windows.
  app.get('/stats', (req, res, next) => {
    if (req.query.workload !== undefined) return next()
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
    // Body-parser errors carry 400 (malformed) or 413 (too large); anything else is our bug.
    const status = (err as { status?: number }).status ?? 500
    if (res.headersSent) {
      res.destroy()
      return
    }
    res.status(status >= 400 && status < 600 ? status : 500).json({ error: err.message })
  })
  const s: Server = createServer({ maxHeaderSize: 16 * 1024 }, app)
  s.headersTimeout = 10_000
  s.requestTimeout = 60_000
  await listen(s, options.port, host)
  const port = (s.address() as AddressInfo).port
  const urlHost = host.includes(':') ? `[${host}]` : host
  return {
    url: `http://${urlHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        s.close(() => resolve())
        s.closeAllConnections()
      }),
  }
}
