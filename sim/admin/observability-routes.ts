/**
 * The admin routes of a mesh's observability, as Istio users know them: Prometheus metrics with
 * Istio's names and labels (plus Envoy's counters), each proxy's Envoy `/stats` and `/clusters`,
 * access logs and traces, and the broken-trace switch. They read `mesh.observability`, the same
 * service the dashboard and the lesson checks read; `close()` ends the log followers.
 */
import type { Mesh } from '../mesh/start-mesh.ts'
import type { AdminRoutes } from './admin-server.ts'
import { clusterRoutes } from './cluster-routes.ts'
import { logRoutes } from './log-routes.ts'
import { metricsRoutes } from './metrics-routes.ts'
import { propagationRoutes } from './propagation-routes.ts'
import { traceRoutes } from './trace-routes.ts'

export interface ObservabilityRoutes {
  readonly routes: readonly AdminRoutes[]
  /** Ends open `/logs?follow=1` streams (the mesh's sinks stay: they belong to the mesh). */
  close(): void
}

export function observabilityRoutes(mesh: Pick<Mesh, 'observability' | 'workloads'>): ObservabilityRoutes {
  const obs = mesh.observability
  const followers = new Set<() => void>()
  return {
    routes: [
      metricsRoutes(obs.registry),
      clusterRoutes(() => obs.proxies()),
      logRoutes({ ring: obs.logs, workloads: () => obs.proxyNames(), followers }),
      traceRoutes(obs.spans),
      propagationRoutes(mesh.workloads),
    ],
    close() {
      for (const stop of [...followers]) stop()
    },
  }
}
