/**
 * Configuration 2, one sidecar hop: a client's outbound sidecar (no config: pass-through default
 * route) in front of the app, in one process. Load goes to the outbound listener with
 * `Host: bench:9080`, exactly as a captured app call would.
 */
import { startBenchApp } from './bench-app.ts'
import { runServer } from './child-runtime.ts'
import { SERVICE_PORT, startBenchMesh } from './mesh-fixture.ts'

runServer(async () => {
  const app = await startBenchApp()
  const mesh = await startBenchMesh({ features: 'default', services: ['bench'] })
  mesh.addEndpoint('bench', 'v1', app.address)
  const outbound = await mesh.addClient('client')
  return {
    ready: { ports: { entry: outbound.listener.port }, host: `bench:${SERVICE_PORT}` },
    extraStats: () => ({ ...mesh.recorded }),
    async close() {
      await mesh.close()
      await app.close()
    },
  }
})
