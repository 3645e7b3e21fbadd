/**
 * Outlier detection (DestinationRule `outlierDetection`), per client sidecar and per upstream host:
 * consecutive 5xx (locally generated failures count too) or gateway errors eject a host for
 * baseEjectionTime × times ejected (capped at max(300 s, base)); an interval sweep brings it back.
 */
import type { Clock } from '../clock.ts'
import type { Filter, MeshResponse } from '../filter.ts'
import type { OutlierDetection } from '../control/types.ts'
import { UpstreamFailure } from '../upstream-failure.ts'
import type { Counters } from '../telemetry/counters.ts'

interface HostHealth {
  consecutive5xx: number
  consecutiveGateway: number
  timesEjected: number
  ejectedUntil: number | undefined
}

/** Istio/Envoy defaults for unset fields. */
const DEFAULTS = { consecutive5xxErrors: 5, intervalMs: 10_000, baseEjectionTimeMs: 30_000, maxEjectionPercent: 10 }

export class OutlierDetector {
  private readonly hosts = new Map<string, HostHealth>()
  private readonly stopSweep: () => void
  private readonly settings: Required<Pick<OutlierDetection, 'consecutive5xxErrors' | 'intervalMs' | 'baseEjectionTimeMs' | 'maxEjectionPercent'>> &
    OutlierDetection

  constructor(
    settings: OutlierDetection,
    private readonly clock: Clock,
    /** How many hosts the cluster has now, for maxEjectionPercent. */
    private readonly hostCount: () => number,
    private readonly counters?: Counters,
    private readonly onChange?: () => void,
  ) {
    this.settings = { ...DEFAULTS, ...stripUndefined(settings) }
    this.stopSweep = clock.every(this.settings.intervalMs, () => this.sweep())
  }

  isEjected(address: string): boolean {
    return this.hosts.get(address)?.ejectedUntil !== undefined
  }

  ejectedCount(): number {
    let n = 0
    for (const h of this.hosts.values()) if (h.ejectedUntil !== undefined) n++
    return n
  }

  /** Percent of hosts that must stay healthy before the balancer ignores ejections (panic mode). */
  get minHealthPercent(): number {
    return this.settings.minHealthPercent ?? 0
  }

  /** Records one try's outcome against `address`. */
  observe(address: string, outcome: { status?: number; failure?: boolean }): void {
    const host = this.health(address)
    const status = outcome.failure ? 503 : outcome.status ?? 200
    if (status >= 500) {
      host.consecutive5xx++
      if (status >= 502 && status <= 504) host.consecutiveGateway++
      else host.consecutiveGateway = 0
    } else {
      host.consecutive5xx = 0
      host.consecutiveGateway = 0
      return
    }
    const { consecutive5xxErrors, consecutiveGatewayErrors } = this.settings
    const trips =
      (consecutive5xxErrors > 0 && host.consecutive5xx >= consecutive5xxErrors) ||
      (consecutiveGatewayErrors !== undefined && consecutiveGatewayErrors > 0 && host.consecutiveGateway >= consecutiveGatewayErrors)
    if (trips && host.ejectedUntil === undefined) this.eject(address, host)
  }

  close(): void {
    this.stopSweep()
  }

  toJSON(): Record<string, { ejected: boolean; timesEjected: number; consecutive5xx: number }> {
    return Object.fromEntries(
      [...this.hosts].map(([address, h]) => [address, { ejected: h.ejectedUntil !== undefined, timesEjected: h.timesEjected, consecutive5xx: h.consecutive5xx }]),
    )
  }

  private eject(address: string, host: HostHealth): void {
    const total = Math.max(1, this.hostCount())
    const ejected = this.ejectedCount()
    // Envoy always lets at least one host be ejected, whatever maxEjectionPercent says.
    if (ejected > 0 && ((ejected + 1) / total) * 100 > this.settings.maxEjectionPercent) {
      this.counters?.inc('outlier_detection.ejections_overflow')
      return
    }
    host.timesEjected++
    const base = this.settings.baseEjectionTimeMs
    const duration = Math.min(base * host.timesEjected, Math.max(300_000, base))
    host.ejectedUntil = this.clock.now() + duration
    host.consecutive5xx = 0
    host.consecutiveGateway = 0
    this.counters?.inc('outlier_detection.ejections_enforced_total')
    this.counters?.inc('outlier_detection.ejections_active')
    this.onChange?.()
  }

  /** Envoy un-ejects only on its interval timer, so an ejection can last up to one interval longer. */
  private sweep(): void {
    const now = this.clock.now()
    let changed = false
    for (const host of this.hosts.values()) {
      if (host.ejectedUntil !== undefined && host.ejectedUntil <= now) {
        host.ejectedUntil = undefined
        this.counters?.inc('outlier_detection.ejections_active', -1)
        changed = true
      } else if (host.ejectedUntil === undefined && host.timesEjected > 0 && host.consecutive5xx === 0) {
        host.timesEjected--
      }
    }
    if (changed) this.onChange?.()
  }

  private health(address: string): HostHealth {
    let host = this.hosts.get(address)
    if (!host) {
      host = { consecutive5xx: 0, consecutiveGateway: 0, timesEjected: 0, ejectedUntil: undefined }
      this.hosts.set(address, host)
    }
    return host
  }
}

/** Feeds every try's outcome to the detector; sits just above the transport, after host selection. */
export function outlierObserver(detector: OutlierDetector): Filter {
  return (next) =>
    async function outlierFilter(req) {
      const address = req.upstream?.address
      let res: MeshResponse
      try {
        res = await next(req)
      } catch (err) {
        if (address && err instanceof UpstreamFailure) detector.observe(address, { failure: true })
        throw err
      }
      if (address) detector.observe(address, { status: res.status })
      return res
    }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
