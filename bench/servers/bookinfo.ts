/**
 * Configuration 8, the whole demo as `meshdojo demo` runs it: `startMesh` (Bookinfo behind
 * sidecars, ingress gateway), observability (Prometheus, access log, spans) and the admin API.
 * Commands `load-on` / `load-off` start and stop the demo's default background load (2 pages/s,
 * mixed users). `stats` also counts telemetry records (one per sidecar listener crossed) and pages.
 */
import { startMesh } from '../../sim/mesh/start-mesh.ts'
import { observabilityRoutes } from '../../sim/admin/observability-routes.ts'
import { startAdminServer } from '../../sim/admin/admin-server.ts'
import { configRoutes } from '../../sim/admin/config-routes.ts'
import { startBackgroundLoad, type BackgroundLoad } from '../../sim/load/background-load.ts'
import { runServer } from './child-runtime.ts'

runServer(async () => {
  const started = performance.now()
  const mesh = await startMesh({ seed: 1, ingressPort: 0 })
  // The mesh's observability (Prometheus, access log, spans) comes with it; the admin API serves it.
  const obs = observabilityRoutes(mesh)
  const admin = await startAdminServer(mesh, { port: 0, routes: [configRoutes(mesh), ...obs.routes] })
  // Telemetry records per reporter (one per sidecar listener crossed), and pages the gateway served.
  const recorded = { source: 0, destination: 0, pages: 0 }
  mesh.telemetry.add({
    record: (r) => {
      recorded[r.reporter]++
      if (r.reporter === 'source' && r.source.workload === mesh.gatewayIdentity.name) recorded.pages++
    },
  })
  let load: BackgroundLoad | undefined
  return {
    ready: { ports: { entry: Number(new URL(mesh.ingressUrl).port) }, extra: { startMs: performance.now() - started } },
    extraStats: () => ({ ...recorded }),
    commands: {
      'load-on': () => {
        load ??= startBackgroundLoad({ target: mesh.ingressUrl, rps: 2, user: 'mixed', clock: mesh.clock, random: mesh.random.stream('load/users') })
        return true
      },
      'load-off': async () => {
        await load?.stop()
        load = undefined
        return true
      },
    },
    async close() {
      await load?.stop()
      await admin.close()
      await mesh.close()
      await obs.close()
    },
  }
})
