/**
 * Configurations 3, 4 and 7, the mesh path: client outbound sidecar → (Toxiproxy link) → inbound
 * sidecar → app, in one process, as between two Bookinfo workloads.
 *   --features default|full   no config, or every filter active but idle plus all telemetry sinks
 *   --link                    an embedded Toxiproxy proxy (no toxics) between the two sidecars
 */
import { parseArgs } from 'node:util'
import { randomSource } from '../../mesh/random.ts'
import { startToxiproxyServer, type ToxiproxyServer } from '../../mesh/toxiproxy/server.ts'
import { startBenchApp } from './bench-app.ts'
import { runServer } from './child-runtime.ts'
import { SERVICE_PORT, startBenchMesh } from './mesh-fixture.ts'

runServer(async (argv) => {
  const { values } = parseArgs({ args: [...argv], options: { features: { type: 'string', default: 'default' }, link: { type: 'boolean', default: false } } })
  const features = values.features === 'full' ? 'full' : 'default'
  const app = await startBenchApp()
  const mesh = await startBenchMesh({ features, services: ['bench'] })
  let toxiproxy: ToxiproxyServer | undefined
  if (values.link) toxiproxy = await startToxiproxyServer({ port: 0, random: randomSource(1).stream('toxiproxy') })
  const linkTo = toxiproxy
    ? async (inbound: string) => (await toxiproxy!.store.createProxy({ name: 'bench-v1', listen: '127.0.0.1:0', upstream: inbound })).listen
    : undefined
  await mesh.addWorkload('bench', 'v1', app.address, linkTo)
  const outbound = await mesh.addClient('client')
  return {
    ready: { ports: { entry: outbound.listener.port }, host: `bench:${SERVICE_PORT}` },
    extraStats: () => ({ ...mesh.recorded }),
    async close() {
      await mesh.close()
      await toxiproxy?.close()
      await app.close()
    },
  }
})
