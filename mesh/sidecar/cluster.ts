/**
 * An upstream cluster as one client sidecar sees it (`outbound|9080|v1|reviews.default.svc.cluster.local`):
 * its endpoints, load balancer, circuit breaker, outlier detector, retry budget and connection pools.
 * State lives as long as the cluster's settings are unchanged across config pushes, as in Envoy.
 */
import type { ConnectionPool } from '../http/connection-pool.ts'
import type { Clock } from '../clock.ts'
import { compose, type Handler } from '../filter.ts'
import type { Random } from '../random.ts'
import type { Endpoint } from '../control/registry.ts'
import type { TrafficPolicyFields } from '../control/types.ts'
import { BreakerState, breakerLimits, circuitBreaker } from '../filters/circuit-breaker.ts'
import { OutlierDetector, outlierObserver } from '../filters/outlier-detection.ts'
import { loadBalancer } from '../filters/load-balancer.ts'
import { retryBudget, type RetryBudget } from '../filters/retry.ts'
import { openPool, sendUpstream, type UpstreamTls } from '../http/upstream-pool.ts'
import { Counters } from '../telemetry/counters.ts'
import { HostRequestCounters, type HostStats } from '../telemetry/host-stats.ts'
import { algorithm } from './lb-algorithms.ts'
import { hashCookieOf, hashKeyOf } from './hash-key.ts'
import type { TransportSecurity, UpstreamTarget } from '../security/mesh-security.ts'

export interface ClusterKey {
  /** `reviews.default.svc.cluster.local` */
  readonly fqdn: string
  readonly service: string
  readonly port: number
  readonly subset?: string
  /** The subset's labels; endpoints must carry all of them. */
  readonly labels: Readonly<Record<string, string>>
}

export interface ClusterDeps {
  readonly clock: Clock
  readonly random: Random
  /** The proxy's mTLS client side; absent: every connection is plain text, with no TLS work at all. */
  readonly security?: TransportSecurity
  /** Called when outlier ejections change, so dashboards can show it. */
  readonly onHealthChange?: () => void
}

export const clusterName = (key: Pick<ClusterKey, 'fqdn' | 'port' | 'subset'>) =>
  `outbound|${key.port}|${key.subset ?? ''}|${key.fqdn}`

export class UpstreamCluster {
  readonly name: string
  readonly handler: Handler
  readonly retryBudget: RetryBudget
  readonly counters = new Counters()
  readonly breaker: BreakerState
  readonly outlier: OutlierDetector | undefined
  private endpoints: readonly Endpoint[] = []
  private readonly pools = new Map<string, ConnectionPool>()
  /** Per-host request counters (Envoy's rq_*); requests in flight per host are `active`. */
  private readonly hostRequests = new HostRequestCounters()
  private readonly active = new Map<string, number>()

  constructor(
    readonly key: ClusterKey,
    readonly policy: TrafficPolicyFields,
    deps: ClusterDeps,
  ) {
    this.name = clusterName(key)
    const pool = policy.connectionPool
    this.breaker = new BreakerState(breakerLimits(pool), deps.clock)
    this.retryBudget = retryBudget(pool?.http?.maxRetries ?? Infinity)
    this.outlier = policy.outlierDetection
      ? new OutlierDetector(policy.outlierDetection, deps.clock, () => this.endpoints.length, this.counters, deps.onHealthChange)
      : undefined
    const active = this.active
    const lb = policy.loadBalancer
    const hashed = lb?.consistentHash !== undefined
    const security = deps.security
    const target: UpstreamTarget = { fqdn: key.fqdn, port: key.port, namespace: namespaceOf(key.fqdn), ...(key.subset === undefined ? {} : { subset: key.subset }) }
    const drMode = policy.tls?.mode
    const transport: Handler = security
      ? (req) => {
          this.counters.inc('upstream_rq_total')
          const endpoint = req.upstream!
          const tls = security.upstream(drMode, endpoint, target)
          return this.hostRequests.count(endpoint.address, sendUpstream(this.poolFor(endpoint.dialAddress, tls), req, deps.clock, tls?.expectedPrincipal))
        }
      : (req) => {
          this.counters.inc('upstream_rq_total')
          const endpoint = req.upstream!
          return this.hostRequests.count(endpoint.address, sendUpstream(this.poolFor(endpoint.dialAddress), req, deps.clock))
        }
    this.handler = compose(
      [
        circuitBreaker(this.breaker, deps.clock, this.counters),
        loadBalancer({
          hosts: () => this.endpoints,
          algorithm: algorithm(hashed ? 'CONSISTENT_HASH' : lb?.simple ?? 'LEAST_REQUEST', deps.random, (a) => active.get(a) ?? 0),
          outlier: this.outlier,
          active,
          hashKey: hashed ? hashKeyOf(lb!.consistentHash!) : undefined,
          hashCookie: hashed ? hashCookieOf(lb!.consistentHash!, deps.random) : undefined,
        }),
        ...(this.outlier ? [outlierObserver(this.outlier)] : []),
      ],
      transport,
    )
  }

  /** Takes the service's endpoints; keeps the ready ones whose labels include the subset's. */
  setEndpoints(all: readonly Endpoint[]): void {
    const labels = Object.entries(this.key.labels)
    this.endpoints = all.filter((e) => e.ready && labels.every(([k, v]) => e.labels[k] === v))
  }

  hosts(): readonly Endpoint[] {
    return this.endpoints
  }

  /** Envoy's per-host stats of `endpoint`: its connections over every pool to it (plain and mTLS), its tries. */
  hostStats(endpoint: Endpoint): HostStats {
    let cxTotal = 0
    let cxActive = 0
    let cxConnectFail = 0
    for (const [id, pool] of this.pools) {
      if (id !== endpoint.dialAddress && !id.startsWith(`${endpoint.dialAddress}|`)) continue
      cxTotal += pool.stats.cxTotal
      cxActive += pool.stats.cxActive
      cxConnectFail += pool.stats.cxConnectFail
    }
    const rq = this.hostRequests.get(endpoint.address)
    return {
      cx_connect_fail: cxConnectFail,
      cx_total: cxTotal,
      rq_error: rq.rqError,
      rq_success: rq.rqSuccess,
      rq_timeout: rq.rqTimeout,
      rq_total: rq.rqTotal,
      cx_active: cxActive,
      rq_active: this.active.get(endpoint.address) ?? 0,
    }
  }

  /** Closes pools after their in-flight requests finish, and stops timers. */
  async close(): Promise<void> {
    this.outlier?.close()
    await Promise.all([...this.pools.values()].map((p) => p.close().catch(() => {})))
    this.pools.clear()
  }

  /** One pool per endpoint and transport: a plain and an mTLS pool never share connections. */
  private poolFor(address: string, tls?: UpstreamTls): ConnectionPool {
    const id = tls ? `${address}|mtls|${tls.expectedPrincipal}|${tls.sni}` : address
    let pool = this.pools.get(id)
    if (!pool) {
      const cp = this.policy.connectionPool
      pool = openPool(address, { connectTimeoutMs: cp?.tcp?.connectTimeoutMs, maxRequestsPerConnection: cp?.http?.maxRequestsPerConnection }, tls)
      this.pools.set(id, pool)
    }
    return pool
  }
}

/** `reviews.default.svc.cluster.local` → `default`. */
const namespaceOf = (fqdn: string): string => /^[^.]+\.([^.]+)\.svc\./.exec(fqdn)?.[1] ?? 'default'
