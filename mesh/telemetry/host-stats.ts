/**
 * Envoy's per-host stats (ALL_HOST_STATS) of one upstream cluster, as `/clusters` prints them:
 * counters `cx_connect_fail cx_total rq_error rq_success rq_timeout rq_total` and gauges
 * `cx_active rq_active`. The request counters are kept here, by endpoint address, at the cost of one
 * Map lookup and two additions per try; the connection ones come from the pools.
 */
import type { MeshResponse } from '../filter.ts'
import { UpstreamFailure } from '../upstream-failure.ts'

/** One endpoint's request counters, as the router charges them. */
export interface HostRequestStats {
  /** Tries sent to the host. */
  rqTotal: number
  /** Tries answered with anything but a 5xx. */
  rqSuccess: number
  /** 5xx answers, resets, connect failures and timeouts. */
  rqError: number
  /** Tries a route or per-try timeout cut off. */
  rqTimeout: number
}

/** One endpoint's full set, in `/clusters`' order (counters, then gauges). */
export interface HostStats {
  readonly cx_connect_fail: number
  readonly cx_total: number
  readonly rq_error: number
  readonly rq_success: number
  readonly rq_timeout: number
  readonly rq_total: number
  readonly cx_active: number
  readonly rq_active: number
}

export const HOST_COUNTERS = ['cx_connect_fail', 'cx_total', 'rq_error', 'rq_success', 'rq_timeout', 'rq_total'] as const
export const HOST_GAUGES = ['cx_active', 'rq_active'] as const

const none = (): HostRequestStats => ({ rqTotal: 0, rqSuccess: 0, rqError: 0, rqTimeout: 0 })

/** The request counters of every host of one cluster. */
export class HostRequestCounters {
  private readonly byAddress = new Map<string, HostRequestStats>()

  get(address: string): HostRequestStats {
    return this.byAddress.get(address) ?? none()
  }

  /** Counts one try to `address` whose answer is `pending` (passed through unchanged). */
  count(address: string, pending: Promise<MeshResponse>): Promise<MeshResponse> {
    let stats = this.byAddress.get(address)
    if (!stats) this.byAddress.set(address, (stats = none()))
    const s = stats
    s.rqTotal++
    return pending.then(
      (res) => {
        if (res.status >= 500) s.rqError++
        else s.rqSuccess++
        return res
      },
      (err: unknown) => {
        s.rqError++
        if (err instanceof UpstreamFailure && (err.kind === 'per-try-timeout' || err.kind === 'route-timeout')) s.rqTimeout++
        throw err
      },
    )
  }
}
