/**
 * The live numbers behind `GET /stats`, the plain table and the dashboard: per workload (what its
 * inbound sidecar saw) and per edge (what the caller's sidecar saw: "effective", after retries; and
 * what the callee's saw: "actual", every try), over rolling windows, like `linkerd viz stat/routes`.
 */
import type { Clock } from '../clock.ts'
import { formatFlags } from '../flags.ts'
import type { RequestRecord, TelemetrySink } from './record.ts'
import { EMPTY_SUMMARY, RollingWindow, type WindowSummary } from './rolling-window.ts'

export interface WorkloadStats extends WindowSummary {
  readonly name: string
  readonly app: string
  readonly version: string
}

export interface EdgeStats extends WindowSummary {
  readonly source: string
  /** The workload that answered, or the service when none did (fault, no healthy upstream). */
  readonly destination: string
  readonly destinationService: string
  /** Share of the source's requests to this service that went to this destination. */
  readonly share: number
  /** What the destination's sidecar saw from this source: every try, before retries hide failures. */
  readonly actual: { readonly rps: number; readonly successRate: number; readonly requests: number }
  /**
   * Share (0–1) of the requests the destination received on this edge over mTLS
   * (`connection_security_policy="mutual_tls"`): 1 is a padlock, 0 plain text; 0 with no requests.
   */
  readonly mtls: number
}

export interface StatsSnapshot {
  readonly windowSeconds: number
  readonly atEpochMs: number
  readonly workloads: readonly WorkloadStats[]
  readonly edges: readonly EdgeStats[]
}

interface Keyed {
  readonly window: RollingWindow
  readonly meta: Record<string, string>
}

export class MeshStats implements TelemetrySink {
  private readonly workloads = new Map<string, Keyed>()
  private readonly edges = new Map<string, Keyed>()
  private readonly actualEdges = new Map<string, Keyed>()
  private readonly mtlsEdges = new Map<string, SecondsCounter>()

  private readonly outboundOnly: (workload: string) => boolean

  /**
   * `outboundOnly` names workloads with no inbound side besides the ingress gateway (meshed load
   * clients): their row counts what their outbound side saw, as the gateway's does.
   */
  constructor(
    private readonly clock: Clock,
    options: { readonly outboundOnly?: (workload: string) => boolean } = {},
  ) {
    this.outboundOnly = options.outboundOnly ?? (() => false)
  }

  record(r: RequestRecord): void {
    const end = r.startEpochMs + r.durationMs
    const flags = formatFlags(r.flags)
    const destination = r.destination.workload !== 'unknown' ? r.destination.workload : shortName(r.destinationService)
    if (r.reporter === 'destination') {
      this.keyed(this.workloads, r.destination.workload, () => workloadMeta(r)).window.record(end, r.status, r.durationMs, flags)
      // Mirror copies are extra traffic the caller never sees: not part of its edge.
      if (!r.mirrored) {
        const key = `${r.source.workload}>${destination}`
        this.keyed(this.actualEdges, key, () => ({})).window.record(end, r.status, r.durationMs, flags)
        if (r.connectionSecurityPolicy === 'mutual_tls') {
          let counter = this.mtlsEdges.get(key)
          if (!counter) this.mtlsEdges.set(key, (counter = new SecondsCounter()))
          counter.add(end)
        }
      }
      return
    }
    if (r.source.workload === 'istio-ingressgateway') {
      this.keyed(this.workloads, r.source.workload, () => ({ app: 'istio-ingressgateway', version: '' })).window.record(end, r.status, r.durationMs, flags)
    } else if (this.outboundOnly(r.source.workload)) {
      this.keyed(this.workloads, r.source.workload, () => ({ app: r.source.app, version: r.source.version })).window.record(end, r.status, r.durationMs, flags)
    }
    this.keyed(this.edges, `${r.source.workload}>${destination}`, () => ({
      source: r.source.workload,
      destination,
      destinationService: shortName(r.destinationService) || destination,
    })).window.record(end, r.status, r.durationMs, flags)
  }

  snapshot(windowSeconds = 10): StatsSnapshot {
    const now = this.clock.epochMs()
    const workloads = [...this.workloads].map(([name, k]) => ({
      name,
      app: k.meta.app ?? '',
      version: k.meta.version ?? '',
      ...k.window.summary(now, windowSeconds),
    }))
    const edges = [...this.edges].map(([key, k]) => {
      const summary = k.window.summary(now, windowSeconds)
      const actual = this.actualEdges.get(key)?.window.summary(now, windowSeconds) ?? EMPTY_SUMMARY
      return {
        source: k.meta.source!,
        destination: k.meta.destination!,
        destinationService: k.meta.destinationService!,
        ...summary,
        share: 0,
        actual: { rps: actual.rps, successRate: actual.successRate, requests: actual.requests },
        mtls: actual.requests === 0 ? 0 : Math.min(1, (this.mtlsEdges.get(key)?.sum(now, windowSeconds) ?? 0) / actual.requests),
      }
    })
    const totals = new Map<string, number>()
    for (const e of edges) totals.set(`${e.source}>${e.destinationService}`, (totals.get(`${e.source}>${e.destinationService}`) ?? 0) + e.requests)
    const withShare = edges.map((e) => ({ ...e, share: e.requests / Math.max(1, totals.get(`${e.source}>${e.destinationService}`) ?? 0) }))
    return {
      windowSeconds,
      atEpochMs: now,
      workloads: workloads.sort((a, b) => a.name.localeCompare(b.name)),
      edges: withShare.sort((a, b) => a.source.localeCompare(b.source) || a.destination.localeCompare(b.destination)),
    }
  }

  /** `meta` is made only for a new key: records of known keys (all but the first) allocate nothing for it. */
  private keyed(map: Map<string, Keyed>, key: string, meta: () => Record<string, string>): Keyed {
    let k = map.get(key)
    if (!k) {
      k = { window: new RollingWindow(), meta: meta() }
      map.set(key, k)
    }
    return k
  }
}

/** Counts per second over the last two minutes: enough for a share, without a latency histogram. */
class SecondsCounter {
  private readonly seconds = new Array<number>(120).fill(-1)
  private readonly counts = new Array<number>(120).fill(0)

  add(epochMs: number): void {
    const second = Math.floor(epochMs / 1000)
    const i = second % 120
    if (this.seconds[i] !== second) {
      this.seconds[i] = second
      this.counts[i] = 0
    }
    this.counts[i]!++
  }

  sum(nowEpochMs: number, windowSeconds: number): number {
    const last = Math.floor(nowEpochMs / 1000)
    const first = last - Math.min(windowSeconds, 120) + 1
    let total = 0
    for (let i = 0; i < 120; i++) if (this.seconds[i]! >= first && this.seconds[i]! <= last) total += this.counts[i]!
    return total
  }
}

const workloadMeta = (r: RequestRecord) => ({ app: r.destination.app, version: r.destination.version })

/** `reviews.default.svc.cluster.local` → `reviews`. */
export const shortName = (fqdn: string): string => fqdn.replace(/\.[^.]+\.svc\.cluster\.local$/, '')
