/**
 * Circuit breaking from Envoy's cluster counters, per caller and service: `overflow` while
 * `upstream_rq_pending_overflow` has grown in the last 10 s, `ejected` while outlier detection
 * holds a host out (`outlier_detection.ejections_active` > 0). Fed once per tick.
 */
import { shortHost } from './config-summary.ts'

export interface ClusterSample {
  /** The calling proxy's workload. */
  readonly workload: string
  /** Envoy's cluster name, `outbound|9080|v1|reviews.default.svc.cluster.local`. */
  readonly cluster: string
  readonly overflows: number
  readonly ejectionsActive: number
}

const HOLD_MS = 10_000

export class BreakerWatch {
  private readonly totals = new Map<string, number>()
  private readonly lastOverflowAt = new Map<string, number>()
  private ejected = new Set<string>()

  update(samples: readonly ClusterSample[], nowMs: number): void {
    const overflowBy = new Map<string, number>()
    const ejected = new Set<string>()
    for (const s of samples) {
      const key = `${s.workload}>${serviceOf(s.cluster)}`
      overflowBy.set(key, (overflowBy.get(key) ?? 0) + s.overflows)
      if (s.ejectionsActive > 0) ejected.add(key)
    }
    for (const [key, total] of overflowBy) {
      const before = this.totals.get(key)
      if (before !== undefined && total > before) this.lastOverflowAt.set(key, nowMs)
      this.totals.set(key, total)
    }
    this.ejected = ejected
  }

  /** `source>service` → what to badge now. */
  current(nowMs: number): Map<string, 'overflow' | 'ejected'> {
    const out = new Map<string, 'overflow' | 'ejected'>()
    for (const [key, at] of this.lastOverflowAt) if (nowMs - at < HOLD_MS) out.set(key, 'overflow')
    for (const key of this.ejected) out.set(key, 'ejected')
    return out
  }
}

/** `outbound|9080|v1|reviews.default.svc.cluster.local` → `reviews`. */
export const serviceOf = (cluster: string): string => shortHost(cluster.split('|')[3] ?? cluster)
