/**
 * Envoy's circuit breakers for an HTTP/1.1 cluster (DestinationRule `connectionPool`), per client
 * sidecar and per subset cluster: each request needs a connection; beyond `maxConnections` busy
 * connections it waits in a queue of `http1MaxPendingRequests`; beyond that, or beyond
 * `http2MaxRequests` active requests, it fails at once with 503 overflow (UO, x-envoy-overloaded).
 */
import type { Clock } from '../clock.ts'
import type { Cancel, Filter, Handler, MeshRequest, MeshResponse } from '../filter.ts'
import type { ConnectionPoolSettings } from '../control/types.ts'
import { UpstreamFailure } from '../upstream-failure.ts'
import type { Counters } from '../telemetry/counters.ts'

/** Envoy's "unlimited" default for every threshold. */
const UNLIMITED = 2 ** 32 - 1

export interface BreakerLimits {
  readonly maxConnections: number
  readonly maxPending: number
  readonly maxRequests: number
  /**
   * With `maxRequestsPerConnection: 1` every request closes its connection and the next one must
   * open a new connection; meanwhile a queued request keeps its place in the pending queue. This
   * churn is why Istio's circuit-breaking task sees overflows at 2 concurrent clients. The window
   * is modelled as a share of the time the last request held its connection, so it scales with the
   * machine's speed instead of being a fixed number of milliseconds a busy machine outruns. The
   * first request that overflows in the window ends it: a reconnect is shorter than even a local
   * 503's round trip through the client, so one reconnect costs at most one overflow (otherwise a
   * fast in-process client would spin through its whole run in one window).
   */
  readonly reconnectShare: number
}

/** Share of a request's connection time that re-opening a connection takes; 0.05 reproduces the task's ~15% / ~63% 503s at 2 / 3 connections. */
const RECONNECT_SHARE = 0.05

export function breakerLimits(pool: ConnectionPoolSettings | undefined): BreakerLimits {
  const perConnection = pool?.http?.maxRequestsPerConnection ?? 0
  return {
    maxConnections: pool?.tcp?.maxConnections ?? UNLIMITED,
    maxPending: pool?.http?.http1MaxPendingRequests ?? UNLIMITED,
    maxRequests: pool?.http?.http2MaxRequests ?? UNLIMITED,
    reconnectShare: perConnection === 1 ? RECONNECT_SHARE : 0,
  }
}

/** Live counts for one cluster; kept across config pushes while the limits are unchanged. */
export class BreakerState {
  busyConnections = 0
  active = 0
  /** No limit set (Istio's default): nothing can overflow, so only `active` is counted. */
  readonly unlimited: boolean
  private readonly queue: Array<() => void> = []
  /** A hand-over waiting out the reconnect window, and the timer's disarm. */
  private reconnecting: { readonly handOver: () => void; readonly disarm: () => void } | undefined = undefined

  constructor(
    readonly limits: BreakerLimits,
    private readonly clock: Clock,
  ) {
    this.unlimited = limits.maxConnections === UNLIMITED && limits.maxPending === UNLIMITED && limits.maxRequests === UNLIMITED
  }

  get pending(): number {
    return this.queue.length
  }

  /** Resolves when a connection is ours; throws overflow if neither a connection nor a queue slot is free. */
  acquire(cancel: Cancel): Promise<void> | 'overflow' {
    if (this.active >= this.limits.maxRequests) return 'overflow'
    if (this.busyConnections < this.limits.maxConnections && this.queue.length === 0) {
      this.busyConnections++
      this.active++
      return Promise.resolve()
    }
    if (this.queue.length >= this.limits.maxPending) {
      this.endReconnect()
      return 'overflow'
    }
    return new Promise<void>((resolve, reject) => {
      const grant = () => {
        stopWatching()
        this.active++
        resolve()
      }
      this.queue.push(grant)
      const stopWatching = cancel.onAbort((reason) => {
        const i = this.queue.indexOf(grant)
        if (i >= 0) this.queue.splice(i, 1)
        reject(reason)
      })
    })
  }

  /** The request is done with its connection (after `heldMs`): hand it to the next queued request, or free it. */
  release(heldMs = 0): void {
    this.active--
    const handOver = () => {
      const next = this.queue[0]
      if (next) {
        this.queue.shift()
        next()
      } else {
        this.busyConnections--
      }
    }
    if (this.limits.reconnectShare > 0 && this.queue.length > 0 && !this.reconnecting) {
      // The queued request stays queued while its new connection is being set up.
      const disarm = this.clock.after(Math.max(1, heldMs * this.limits.reconnectShare), () => {
        this.reconnecting = undefined
        handOver()
      })
      this.reconnecting = { handOver, disarm }
    } else {
      handOver()
    }
  }

  /** The reconnect window closes at once (an overflow happened in it): the queued request gets its connection. */
  private endReconnect(): void {
    const r = this.reconnecting
    if (!r) return
    this.reconnecting = undefined
    r.disarm()
    r.handOver()
  }
}

export function circuitBreaker(state: BreakerState, clock: Clock, counters?: Counters): Filter {
  const done = () => {
    state.active--
  }
  const failed = (err: unknown) => {
    state.active--
    throw err
  }
  return (next) =>
    function circuitBreakerFilter(req) {
      if (!state.unlimited) return limited(state, clock, counters, next, req)
      // No limits (no connectionPool settings): count, and add no promise of our own.
      state.active++
      let pending: Promise<MeshResponse>
      try {
        pending = next(req)
      } catch (err) {
        state.active--
        return Promise.reject(err)
      }
      return pending.then((res) => (done(), res), failed)
    }
}

/** With connectionPool limits: wait for a connection (or overflow), and hold it until the body is read. */
async function limited(state: BreakerState, clock: Clock, counters: Counters | undefined, next: Handler, req: MeshRequest): Promise<MeshResponse> {
  const admitted = state.acquire(req.cancel)
  if (admitted === 'overflow') {
    counters?.inc('upstream_rq_pending_overflow')
    throw new UpstreamFailure('overflow')
  }
  if (state.pending > 0 || state.busyConnections >= state.limits.maxConnections) counters?.inc('upstream_rq_pending_total')
  await admitted
  const since = clock.now()
  let released = false
  const release = () => {
    if (!released) {
      released = true
      state.release(clock.now() - since)
    }
  }
  try {
    const res = await next(req)
    // The connection stays busy until the body has been read; release when the stream ends.
    const body = res.body
    if (body && typeof body === 'object' && 'once' in body && !Buffer.isBuffer(body)) {
      body.once('close', release)
      body.once('end', release)
    } else {
      release()
    }
    return res
  } catch (err) {
    release()
    throw err
  }
}
