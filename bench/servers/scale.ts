/**
 * Memory and CPU against mesh size: N services in one process, each an app + inbound sidecar +
 * outbound sidecar (a Bookinfo-style workload), all declared up front as `startMesh` does.
 * Service i is `svc-i`; its outbound listener is `outboundPorts[i]`. `--services 0` gives the
 * baseline process (modules loaded, nothing started).
 */
import { parseArgs } from 'node:util'
import { startBenchApp, type BenchApp } from './bench-app.ts'
import { runServer } from './child-runtime.ts'
import { startBenchMesh } from './mesh-fixture.ts'

runServer(async (argv) => {
  const { values } = parseArgs({ args: [...argv], options: { services: { type: 'string', default: '10' } } })
  const n = Number(values.services)
  const started = performance.now()
  const names = Array.from({ length: n }, (_, i) => `svc-${i}`)
  const mesh = await startBenchMesh({ features: 'default', services: names })
  const apps: BenchApp[] = []
  const outboundPorts: number[] = []
  for (const name of names) {
    const app = await startBenchApp()
    apps.push(app)
    await mesh.addWorkload(name, 'v1', app.address)
    outboundPorts.push((await mesh.addClient(name)).listener.port)
  }
  return {
    ready: { ports: { entry: outboundPorts[0] ?? 0 }, extra: { services: n, outboundPorts, startMs: performance.now() - started } },
    extraStats: () => ({ ...mesh.recorded }),
    async close() {
      await mesh.close()
      await Promise.all(apps.map((a) => a.close()))
    },
  }
})
