/**
 * `GET /metrics`: Istio's standard metrics plus the Envoy cluster counters, in the Prometheus text
 * format (also at Envoy's own path, `/stats/prometheus`), from the mesh's own registry.
 */
import type { Registry } from 'prom-client'
import type { AdminRoutes } from './admin-server.ts'

/** Adds `GET /metrics` and `GET /stats/prometheus`. */
export function metricsRoutes(registry: Registry): AdminRoutes {
  return (app) => {
    const serve = async (_req: unknown, res: import('express').Response) => {
      const text = await registry.metrics()
      res.type(registry.contentType).send(text)
    }
    app.get('/metrics', serve)
    app.get('/stats/prometheus', serve)
  }
}
