/**
 * A step's traffic, fortio-style: `concurrency` workers back to back (or paced to `rps` in total),
 * until `requests` are sent or `duration` passes, with timed events (a pod killed mid-traffic) on
 * the side. Every request carries `x-request-id: <tag>-<n>` so its telemetry can be found again.
 */
import { request, type Dispatcher } from 'undici'
import { AbortGroup } from '../load/abort-group.ts'
import { workerShare } from '../load/load-run.ts'
import type { ObservedResponse } from './observation.ts'
import type { ScenarioSession } from './session.ts'
import type { Action, TrafficSpec } from './types.ts'

/** Hard ceiling on one traffic spec, whatever the file says: loops are always bounded. */
const MAX_REQUESTS = 10_000

export interface TrafficDeps {
  readonly session: ScenarioSession
  /** Runs an event's action (the engine's action runner). */
  readonly runAction: (action: Action) => Promise<unknown>
  readonly signal?: AbortSignal
}

export async function sendTraffic(spec: TrafficSpec, tag: string, deps: TrafficDeps, into: ObservedResponse[]): Promise<void> {
  const { session } = deps
  const clock = session.mesh.clock
  const target = spec.url ? await meshTarget(spec, session) : { url: `${session.mesh.ingressUrl}${spec.path}`, dispatcher: session.ingress as Dispatcher }
  const cookie = spec.url ? '' : await session.cookie(spec.user)
  const started = clock.now()
  const deadline = spec.durationMs === undefined ? Infinity : started + spec.durationMs
  const budget = Math.min(spec.requests ?? MAX_REQUESTS, MAX_REQUESTS)
  const gapMs = spec.rps > 0 ? (1000 * spec.concurrency) / spec.rps : 0
  let issued = 0
  // One listener on the step's signal, not one per request, pause and event (see AbortGroup).
  const cancel = new AbortGroup(deps.signal)
  // Like fortio (and `meshdojo load`), each connection gets its share of the requests: a worker
  // whose calls fail fast (a circuit breaker's local 503s) cannot take the other workers' calls.
  const worker = async (index: number) => {
    const share = workerShare(budget, spec.concurrency, index)
    for (let sent = 0; sent < share && clock.now() < deadline && !cancel.aborted; sent++) {
      const n = issued++
      const headers: Record<string, string> = { 'x-request-id': `${tag}-${n}`, 'user-agent': 'meshdojo-scenario' }
      if (cookie) headers.cookie = cookie
      const t0 = clock.now()
      let status = -1
      let body = ''
      try {
        ;({ status, body } = await cancel.run(async (signal) => {
          const res = await request(target.url, { dispatcher: target.dispatcher, headers, signal })
          return { body: await res.body.text(), status: res.statusCode }
        }))
      } catch {
        // a socket error: fortio's code -1
      }
      const ms = clock.now() - t0
      into.push({ user: spec.user, ...(spec.url ? { url: spec.url } : { path: spec.path }), status, body, ms })
      if (gapMs > ms) await cancel.run((signal) => clock.sleep(gapMs - ms, signal)).catch(() => {})
    }
  }
  const events = spec.events.map(async (e) => {
    await cancel.run((signal) => clock.sleep(e.atMs, signal))
    await deps.runAction(e.action)
  })
  try {
    await Promise.all([...Array.from({ length: spec.concurrency }, (_, i) => worker(i)), ...events])
  } finally {
    cancel.close()
  }
}

async function meshTarget(spec: TrafficSpec, session: ScenarioSession): Promise<{ url: string; dispatcher: Dispatcher }> {
  const client = await session.client(spec.client ?? 'fortio')
  return { url: spec.url!, dispatcher: client.dispatcher }
}

/** `20 requests to /productpage as jason (concurrency 2)`, `5 s at 10 rps to http://httpbin:8000/get from fortio` */
export function describeTraffic(spec: TrafficSpec): string {
  const amount = [
    spec.requests !== undefined ? `${spec.requests} request${spec.requests === 1 ? '' : 's'}` : '',
    spec.durationMs !== undefined ? `${spec.requests !== undefined ? 'within ' : ''}${spec.durationMs / 1000} s` : '',
    spec.rps > 0 ? `at ${spec.rps} rps` : '',
  ].filter(Boolean).join(' ')
  const to = spec.url ? `to ${spec.url} from ${spec.client}` : `to ${spec.path} as ${spec.user}`
  const extra = [spec.concurrency > 1 ? `concurrency ${spec.concurrency}` : '', ...spec.events.map((e) => `${describeEvent(e.action)} at ${e.atMs / 1000} s`)].filter(Boolean)
  return `${amount} ${to}${extra.length ? ` (${extra.join(', ')})` : ''}`
}

const describeEvent = (a: Action) => (a.kind === 'kill' || a.kind === 'restart' ? `${a.kind} ${a.workload}` : a.kind)
