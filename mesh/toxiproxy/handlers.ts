/** Toxiproxy's REST endpoints over the store, with Toxiproxy's status codes and body formats. */
import { RawJson } from './bodies.ts'
import { ToxiproxyError } from './errors.ts'
import { populateToJson, proxyMapToJson, proxyToJson, toxicsToJson, toxicToJson } from './json-out.ts'
import type { ToxiproxyMetrics } from './metrics.ts'
import { type ApiResponse, type Route, route } from './router.ts'
import { TOXIPROXY_VERSION, type ToxiproxyStore } from './store.ts'
import type { ConnectionInfo } from './types.ts'

const json = (status: number, body: string): ApiResponse => ({ status, contentType: 'application/json', body })
const NO_CONTENT: ApiResponse = { status: 204 }

/** Every route of Toxiproxy 2.12's API, plus meshdojo's extensions under new paths. */
export function apiRoutes(store: ToxiproxyStore, metrics: ToxiproxyMetrics): Route[] {
  return [
    route('POST', '/reset', async () => {
      await store.reset()
      return NO_CONTENT
    }),
    route('GET', '/proxies', async () => json(200, proxyMapToJson(await store.listProxies()))),
    route('POST', '/proxies', async (req) => json(201, proxyToJson(await store.createProxy(new RawJson(await req.body()))))),
    route('POST', '/populate', async (req) => {
      const body = new RawJson(await req.body())
      try {
        return json(201, populateToJson(await store.populate(body)))
      } catch (error) {
        // Populate reports failures in its own JSON shape (not http.Error's text/plain).
        if (!(error instanceof ToxiproxyError)) throw error
        return json(error.status, populateToJson(error.proxies ?? [], error))
      }
    }),
    route('GET', '/proxies/{proxy}', async ({ params }) => json(200, proxyToJson(await store.getProxy(params.proxy!)))),
    // POST is what toxiproxy-node-client and the Go client's Save() use; PATCH is the documented one.
    route(['POST', 'PATCH'], '/proxies/{proxy}', async (req) =>
      json(200, proxyToJson(await store.updateProxy(req.params.proxy!, new RawJson(await req.body())))),
    ),
    route('DELETE', '/proxies/{proxy}', async ({ params }) => {
      await store.deleteProxy(params.proxy!)
      return NO_CONTENT
    }),
    route('GET', '/proxies/{proxy}/toxics', async ({ params }) => json(200, toxicsToJson(await store.listToxics(params.proxy!)))),
    // 200, not 201: Toxiproxy's quirk, kept.
    route('POST', '/proxies/{proxy}/toxics', async (req) =>
      json(200, toxicToJson(await store.addToxic(req.params.proxy!, new RawJson(await req.body())))),
    ),
    route('GET', '/proxies/{proxy}/toxics/{toxic}', async ({ params }) => json(200, toxicToJson(await store.getToxic(params.proxy!, params.toxic!)))),
    route(['POST', 'PATCH'], '/proxies/{proxy}/toxics/{toxic}', async (req) =>
      json(200, toxicToJson(await store.updateToxic(req.params.proxy!, req.params.toxic!, new RawJson(await req.body())))),
    ),
    route('DELETE', '/proxies/{proxy}/toxics/{toxic}', async ({ params }) => {
      await store.removeToxic(params.proxy!, params.toxic!)
      return NO_CONTENT
    }),
    // Exactly Toxiproxy's bytes: a space after the colon and a trailing newline.
    route('GET', '/version', async () => ({ status: 200, contentType: 'application/json;charset=utf-8', body: `{"version": "${TOXIPROXY_VERSION}"}\n` })),
    // Only with some metrics on, as in Toxiproxy (404 otherwise); any method, like its mux.Handle.
    ...(metrics.enabled ? [route('*', '/metrics', async () => ({ status: 200, ...(await metrics.exposition()) }))] : []),
    // Extension: which connections are live and which toxics apply to each (Toxiproxy #148, #414).
    route('GET', '/proxies/{proxy}/connections', async ({ params }) => json(200, JSON.stringify(store.connections(params.proxy!).map(connectionJson)))),
  ]
}

function connectionJson(c: ConnectionInfo) {
  const bytes = (b: ConnectionInfo['upstreamBytes']) => ({ received: b.receivedBytes, sent: b.sentBytes })
  return {
    client: c.client,
    upstream: c.upstream,
    age_ms: c.ageMs,
    bytes: { upstream: bytes(c.upstreamBytes), downstream: bytes(c.downstreamBytes) },
    toxics: c.toxics,
  }
}
