/**
 * Bookinfo without a mesh, for the per-page decomposition: the same apps on their own sockets,
 * calling each other directly. A dispatcher maps `http://<service>:9080` to the app's port, and
 * spreads reviews calls over v1/v2/v3 request by request (as the mesh's balancer does).
 */
import { Agent, type Dispatcher } from 'undici'
import { createDetails, createProductPage, createRatings, createReviews, startApp, type RunningApp } from '../../bookinfo/index.ts'
import { randomSource } from '../../mesh/random.ts'
import { runServer } from './child-runtime.ts'

function serviceDispatcher(portsOf: (service: string) => readonly number[]): Dispatcher {
  const turns = new Map<string, number>()
  const agent = new Agent({ keepAliveTimeout: 4_000 })
  return agent.compose((dispatch) => (opts, handler) => {
    const origin = new URL(String(opts.origin))
    const ports = portsOf(origin.hostname)
    if (ports.length === 0) return dispatch(opts, handler)
    const turn = turns.get(origin.hostname) ?? 0
    turns.set(origin.hostname, turn + 1)
    const port = ports[turn % ports.length]!
    return dispatch({ ...opts, origin: `http://127.0.0.1:${port}`, headers: { ...(opts.headers as Record<string, string>), host: origin.host } }, handler)
  })
}

runServer(async () => {
  const ports = new Map<string, number[]>()
  const dispatcher = serviceDispatcher((service) => ports.get(service) ?? [])
  const random = randomSource(1)
  const apps: RunningApp[] = []
  const start = async (service: string, listener: Parameters<typeof startApp>[0]) => {
    const app = await startApp(listener)
    apps.push(app)
    ports.set(service, [...(ports.get(service) ?? []), app.port])
    return app
  }
  await start('details', createDetails())
  await start('ratings', createRatings({ random: random.stream('ratings') }))
  for (const version of ['v1', 'v2', 'v3'] as const) await start('reviews', createReviews({ version, dispatcher }))
  const page = await start('productpage', createProductPage({ dispatcher }))
  return {
    ready: { ports: { entry: page.port } },
    async close() {
      await Promise.all(apps.map((a) => a.close()))
      await dispatcher.close()
    },
  }
})
