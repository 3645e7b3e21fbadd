/** The view model for one tick, from plain inputs (stats, config, toxics, requests); the app adds the lesson. */
import type { ConfigSnapshot } from '../../mesh/control/types.ts'
import type { RequestRecord } from '../../mesh/telemetry/record.ts'
import type { StatsSnapshot } from '../../mesh/telemetry/stats.ts'
import type { ToxicJson } from '../../mesh/toxiproxy/types.ts'
import { configSummary } from './config-summary.ts'
import { routeBadges, toxicBadges } from './edge-badges.ts'
import type { MetricHistory } from './metric-history.ts'
import { serviceGraph } from './service-graph.ts'
import { tapView } from './tap-view.ts'
import type { DashboardView, HeaderView } from './view-types.ts'
import type { WorkloadInfo } from './workload-rows.ts'
import { workloadViews } from './workload-view.ts'

export interface ViewInputs {
  readonly header: HeaderView
  readonly workloads: readonly WorkloadInfo[]
  readonly stats: StatsSnapshot
  readonly history: MetricHistory
  readonly config: ConfigSnapshot
  /** Toxics by link (proxy) name. */
  readonly toxics: Readonly<Record<string, readonly ToxicJson[]>>
  /** `source>service` → circuit breaker state (breaker-watch.ts). */
  readonly breakers: ReadonlyMap<string, 'overflow' | 'ejected'>
  /** `source>destination` edges seen with mTLS. */
  readonly secure: ReadonlySet<string>
  /** `source>destination` → mirrored copies per second. */
  readonly mirrored: ReadonlyMap<string, number>
  /** Newest last. */
  readonly records: readonly RequestRecord[]
  readonly filter: string
  readonly tapLines: number
}

export function buildView(i: ViewInputs): DashboardView {
  const badges = { ...routeBadges(i.config), toxics: toxicBadges(i.toxics), breakers: i.breakers, secure: i.secure }
  return {
    header: i.header,
    workloads: workloadViews(i.workloads, i.stats, i.history),
    graph: serviceGraph({ workloads: i.workloads, edges: i.stats.edges, mirrored: i.mirrored, badges }),
    config: configSummary(i.config, i.toxics),
    tap: tapView(i.records, i.filter, i.tapLines),
  }
}
