/**
 * The dashboard's view source for a running mesh: stats windows, config, toxics, cluster counters
 * and the request stream, sampled once per tick. Work per tick is O(workloads + edges + clusters);
 * per request it is one ring-buffer write (record-tap.ts).
 */
import type { AccessLogRing } from '../../mesh/telemetry/access-log-ring.ts'
import type { StatsSnapshot } from '../../mesh/telemetry/stats.ts'
import type { ToxicJson } from '../../mesh/toxiproxy/types.ts'
import type { BackgroundLoad } from '../load/background-load.ts'
import type { Mesh } from '../mesh/start-mesh.ts'
import { workloadInfos } from '../mesh/workload-infos.ts'
import { BreakerWatch, type ClusterSample } from './breaker-watch.ts'
import { buildView } from './build-view.ts'
import type { ViewSource } from './dashboard-app.ts'
import { MetricHistory } from './metric-history.ts'
import { RecordTap } from './record-tap.ts'
import { currentWeights, isMirrored } from './routing-state.ts'
import { INGRESS } from './service-graph.ts'
import { timeOfDay } from './tap-view.ts'
import type { WorkloadInfo } from './workload-rows.ts'

export interface MeshSourceOptions {
  readonly mesh: Mesh
  readonly adminUrl?: string
  readonly load?: BackgroundLoad
  /** The access-log ring for the tap; default the mesh's own (`mesh.observability.logs`). */
  readonly logs?: AccessLogRing
  /** Stats window; default 10 s, like the plain table. */
  readonly windowSeconds?: number
}

/** Toxics are re-read on every change the embedded Toxiproxy reports, and every few ticks (an external one reports none). */
const TOXIC_POLL_TICKS = 5
/**
 * A stats snapshot merges every series' per-second latency histograms, which costs tens of ms per
 * call at the demo's size; it is taken again only after 20× its own cost (so at most ~5% of a core),
 * and at least every 5 s. When it is cheap, that is every tick.
 */
const SNAPSHOT_COST_RATIO = 20
const SNAPSHOT_MAX_GAP_MS = 5_000

export function meshViewSource(o: MeshSourceOptions): ViewSource {
  const { mesh } = o
  const tap = new RecordTap()
  const history = new MetricHistory()
  const breakers = new BreakerWatch()
  const logs = o.logs ?? mesh.observability.logs
  for (const r of logs.entries({}, tap.capacity * 2)) tap.record(r)
  const unsubscribe = logs.subscribe({}, (r) => tap.record(r))
  let toxics: Record<string, readonly ToxicJson[]> = {}
  let reading = false
  const readToxics = () => {
    if (!mesh.links || reading) return
    reading = true
    mesh.links.api
      .listProxies()
      .then((proxies) => (toxics = Object.fromEntries(Object.entries(proxies).map(([name, p]) => [name, p.toxics]))))
      .catch(() => {}) // an external Toxiproxy that went away: keep the last known toxics
      .finally(() => (reading = false))
  }
  const stopToxicWatch = mesh.links?.onChange(() => readToxics())
  readToxics()

  let ticks = 0
  let workloads: WorkloadInfo[] = workloadInfos(mesh)
  let stats: StatsSnapshot = mesh.stats.snapshot(o.windowSeconds ?? 10)
  let nextSnapshotAt = 0
  const versions = () => {
    const out = new Map<string, string[]>()
    for (const w of mesh.workloads.values()) out.set(w.identity.app, [...(out.get(w.identity.app) ?? []), w.identity.version].sort())
    return out
  }

  return {
    tick() {
      workloads = workloadInfos(mesh)
      const started = mesh.clock.now()
      if (started >= nextSnapshotAt) {
        stats = mesh.stats.snapshot(o.windowSeconds ?? 10)
        const cost = mesh.clock.now() - started
        nextSnapshotAt = started + Math.min(SNAPSHOT_MAX_GAP_MS, cost * SNAPSHOT_COST_RATIO)
        history.record(workloads.map((w) => w.name), stats)
      }
      const samples: ClusterSample[] = []
      for (const proxy of mesh.observability.proxies()) {
        for (const c of proxy.clusters()) {
          samples.push({ workload: proxy.workload, cluster: c.name, overflows: c.counters.get('upstream_rq_pending_overflow'), ejectionsActive: c.counters.get('outlier_detection.ejections_active') })
        }
      }
      breakers.update(samples, mesh.clock.epochMs())
      if (++ticks % TOXIC_POLL_TICKS === 0) readToxics()
    },
    view({ filter, tapLines }) {
      const now = mesh.clock.epochMs()
      const config = mesh.config.snapshot()
      return buildView({
        header: {
          bookinfoUrl: `${mesh.ingressUrl}/productpage`,
          ...(o.adminUrl ? { adminUrl: o.adminUrl } : {}),
          ...(mesh.links ? { toxiproxyUrl: mesh.links.url } : {}),
          ...(o.load ? { load: { rps: o.load.rps, user: o.load.user } } : {}),
          seed: mesh.seed,
          time: timeOfDay(now).slice(0, 5), // minutes: an idle mesh then leaves the screen (and the CPU) alone
          configVersion: config.version,
        },
        workloads,
        stats,
        history,
        config,
        toxics,
        breakers: breakers.current(now),
        secure: tap.secureEdges(now),
        mirrored: tap.mirroredRps(now),
        records: tap.recent(),
        filter,
        tapLines,
      })
    },
    keyContext() {
      const byService = versions()
      const config = mesh.config.snapshot()
      const splitService = byService.has('reviews') ? 'reviews' : [...byService].find(([, v]) => v.length > 1)?.[0]
      const mirrorService = byService.has('httpbin') ? 'httpbin' : 'reviews'
      const current = splitService ? currentWeights(config, splitService) : undefined
      const links = Object.keys(toxics).length ? Object.keys(toxics).sort() : workloads.map((w) => w.name).filter((n) => n !== INGRESS)
      return {
        services: [...byService.keys()],
        links,
        mirrorOn: isMirrored(config, mirrorService),
        ...(splitService ? { split: { service: splitService, versions: byService.get(splitService)!, ...(current ? { current } : {}) } } : {}),
      }
    },
    changed: readToxics,
    close() {
      unsubscribe()
      stopToxicWatch?.()
    },
  }
}
