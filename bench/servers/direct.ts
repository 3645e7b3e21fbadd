/** Configuration 1, direct: the bare app, no proxy. Also the upstream of the nginx configurations. */
import { startBenchApp } from './bench-app.ts'
import { runServer } from './child-runtime.ts'

runServer(async () => {
  const app = await startBenchApp()
  return { ready: { ports: { entry: app.port } }, close: () => app.close() }
})
