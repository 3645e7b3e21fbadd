/**
 * One scenario's live mesh and what its steps need around it: a logged-in jason, the mesh's meshed
 * clients (fortio …), an ingress connection pool, and the mesh's own metrics for `metric` checks.
 * Checks read `mesh.observability`, the same registry and proxies the admin API and the dashboard
 * read when the workshop serves this mesh. `close()` stops all.
 */
import { Agent, request } from 'undici'
import type { Registry } from 'prom-client'
import { bookinfoWorkloads, httpbinWorkloads } from '../mesh/topology.ts'
import { startMesh, type Mesh } from '../mesh/start-mesh.ts'
import type { MeshedClient } from '../load/meshed-client.ts'
import type { ProxyClusters } from '../../mesh/telemetry/envoy-cluster-metrics.ts'
import type { Scenario, User } from './types.ts'

export interface SessionOptions {
  /** Ingress port; 0 (default) picks a free one. The workshop uses 9080. */
  readonly ingressPort?: number
  /** Embedded Toxiproxy API port; 0 (default) picks a free one. The workshop uses 8474. */
  readonly toxiproxyPort?: number
}

export interface ScenarioSession {
  readonly scenario: Scenario
  readonly mesh: Mesh
  /** For `metric` checks: Istio's HTTP metrics and every proxy's Envoy cluster counters. */
  readonly metrics: Registry
  /** Connection pool for traffic through the ingress gateway. */
  readonly ingress: Agent
  /** The `Cookie` header a user's requests carry ('' for anonymous). */
  cookie(user: User): Promise<string>
  /** A meshed client workload (`fortio` → fortio-v1) with its own sidecar, started on first use. */
  client(app: string): Promise<MeshedClient>
  /** Every proxy with clusters: the mesh's sidecars, the gateway and the meshed clients started so far. */
  proxies(): ProxyClusters[]
  close(): Promise<void>
}

/** Starts the mesh the scenario's `setup` describes and applies its config; nothing of the steps runs yet. */
export async function startScenarioSession(scenario: Scenario, options: SessionOptions = {}): Promise<ScenarioSession> {
  const { setup } = scenario
  const mesh = await startMesh({
    seed: scenario.seed,
    ingressPort: options.ingressPort ?? 0,
    toxiproxy: { port: options.toxiproxyPort ?? 0 },
    notReadyAfterMs: setup.readinessDelayMs,
    workloads: [...bookinfoWorkloads({ ratingsVariant: setup.ratings }), ...(setup.withHttpbin ? httpbinWorkloads() : [])],
    // The lesson's setup is the mesh's start config, so a reset (dashboard `r`, admin POST /reset) returns to it.
    configTexts: setup.apply.map(({ text, label }) => ({ text, label })),
  })
  const ingress = new Agent({ connections: 64, keepAliveTimeout: 4_000, headersTimeout: 30_000, bodyTimeout: 30_000 })
  const cookies = new Map<User, Promise<string>>()
  return {
    scenario,
    mesh,
    metrics: mesh.observability.registry,
    ingress,
    proxies: () => mesh.observability.proxies(),
    cookie(user) {
      if (user === 'anonymous') return Promise.resolve('')
      let cookie = cookies.get(user)
      if (!cookie) {
        cookie = login(mesh.ingressUrl, user, ingress)
        cookies.set(user, cookie)
        cookie.catch(() => cookies.delete(user)) // try again next time
      }
      return cookie
    },
    client: (app) => mesh.clients.get(app),
    async close() {
      await ingress.close()
      await mesh.close() // its meshed clients too
    },
  }
}

/** Logs in through the ingress as Istio's test harness does (`POST /login`), returning the session cookie. */
async function login(ingressUrl: string, user: string, dispatcher: Agent): Promise<string> {
  const res = await request(`${ingressUrl}/login`, {
    method: 'POST',
    dispatcher,
    headers: { 'content-type': 'application/x-www-form-urlencoded', referer: `${ingressUrl}/productpage` },
    body: `username=${encodeURIComponent(user)}&passwd=password`,
  })
  await res.body.dump()
  const setCookie = res.headers['set-cookie']
  const cookie = (Array.isArray(setCookie) ? setCookie : [setCookie ?? '']).map((c) => c.split(';')[0]).filter(Boolean).join('; ')
  if (!cookie) throw new Error(`logging in as ${user} through the ingress gave no session cookie (status ${res.statusCode})`)
  return cookie
}
