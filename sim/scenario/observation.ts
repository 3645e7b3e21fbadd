/**
 * What one check run observed: the responses its traffic got, the telemetry records of those
 * requests (every hop, found by the `x-request-id` the traffic set), and the metrics at its start.
 * Background load in the workshop has other request ids, so it never counts.
 */
import type { Clock } from '../../mesh/clock.ts'
import type { RequestRecord } from '../../mesh/telemetry/record.ts'
import { parsePrometheusText, type PromFamily } from '../../mesh/telemetry/prometheus-text.ts'
import type { ScenarioSession } from './session.ts'
import type { User } from './types.ts'

export interface ObservedResponse {
  readonly user: User
  /** Ingress path, for ingress traffic. */
  readonly path?: string
  /** Mesh URL, for meshed-client traffic. */
  readonly url?: string
  /** -1 when no response came (socket error), as fortio counts it. */
  readonly status: number
  readonly body: string
  readonly ms: number
}

export interface Observation {
  /** Prefix of the `x-request-id` of this run's requests. */
  readonly tag: string | undefined
  readonly responses: ObservedResponse[]
  readonly records: RequestRecord[]
  readonly metricsAtStart: Map<string, PromFamily>
  /** Reads the metrics now. */
  metricsNow(): Promise<Map<string, PromFamily>>
  /** Stops collecting records. */
  stop(): void
}

/** Starts collecting; `tag` undefined collects every record (for `wait.until` during actions). */
export async function observe(session: ScenarioSession, tag: string | undefined): Promise<Observation> {
  const records: RequestRecord[] = []
  const prefix = tag === undefined ? undefined : `${tag}-`
  const stop = session.mesh.telemetry.add({
    record(r) {
      if (prefix === undefined || r.requestId.startsWith(prefix)) records.push(r)
    },
  })
  const metricsNow = async () => parsePrometheusText(await session.metrics.metrics())
  return { tag, responses: [], records, metricsAtStart: await metricsNow(), metricsNow, stop }
}

/**
 * Waits until no new record arrived for `quietMs` (mirrored copies and late hops land after the
 * response), at most `maxMs`.
 */
export async function settle(obs: Observation, clock: Clock, quietMs = 150, maxMs = 2_000): Promise<void> {
  const started = clock.now()
  let seen = obs.records.length
  let quietSince = clock.now()
  while (clock.now() - started < maxMs) {
    await clock.sleep(25)
    if (obs.records.length !== seen) {
      seen = obs.records.length
      quietSince = clock.now()
    } else if (clock.now() - quietSince >= quietMs) return
  }
}
