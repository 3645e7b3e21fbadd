/**
 * The clusters one proxy knows (Envoy's CDS + EDS): created when a route first refers to them, kept
 * with their state while their settings are unchanged, retired (after in-flight requests finish)
 * when a config push no longer uses them, and told about endpoint changes from the registry.
 */
import type { Clock } from '../clock.ts'
import type { RandomSource } from '../random.ts'
import type { ServiceRegistry } from '../control/registry.ts'
import type { TrafficPolicyFields } from '../control/types.ts'
import { UpstreamCluster, clusterName, type ClusterKey } from './cluster.ts'
import type { TransportSecurity } from '../security/mesh-security.ts'

/** Same name and same settings: the same cluster, whose state survives the push. */
const clusterId = (key: ClusterKey, policy: TrafficPolicyFields) => `${clusterName(key)}#${JSON.stringify(policy)}`

export class ClusterManager {
  private clusters = new Map<string, UpstreamCluster>()
  private used = new Set<string>()
  private readonly unsubscribe: () => void

  constructor(
    private readonly owner: string,
    private readonly registry: ServiceRegistry,
    private readonly deps: { clock: Clock; random: RandomSource; onHealthChange?: () => void; security?: TransportSecurity },
  ) {
    this.unsubscribe = registry.subscribe(() => this.refreshEndpoints())
  }

  /** Starts a config generation: clusters not asked for before `commit()` are retired. */
  begin(): void {
    this.used = new Set()
  }

  /** Keeps an existing cluster through this generation without creating one (lazily built routes). */
  reserve(key: ClusterKey, policy: TrafficPolicyFields): void {
    const id = clusterId(key, policy)
    if (this.clusters.has(id)) this.used.add(id)
  }

  get(key: ClusterKey, policy: TrafficPolicyFields): UpstreamCluster {
    const name = clusterName(key)
    const id = clusterId(key, policy)
    this.used.add(id)
    let cluster = this.clusters.get(id)
    if (!cluster) {
      cluster = new UpstreamCluster(key, policy, {
        clock: this.deps.clock,
        random: this.deps.random.stream(`${this.owner}/lb/${name}`),
        onHealthChange: this.deps.onHealthChange,
        ...(this.deps.security ? { security: this.deps.security } : {}),
      })
      cluster.setEndpoints(this.registry.service(key.service)?.endpoints ?? [])
      this.clusters.set(id, cluster)
    }
    return cluster
  }

  commit(): void {
    for (const [id, cluster] of this.clusters) {
      if (!this.used.has(id)) {
        this.clusters.delete(id)
        void cluster.close()
      }
    }
  }

  list(): readonly UpstreamCluster[] {
    return [...this.clusters.values()]
  }

  async close(): Promise<void> {
    this.unsubscribe()
    const all = [...this.clusters.values()]
    this.clusters.clear()
    await Promise.all(all.map((c) => c.close()))
  }

  private refreshEndpoints(): void {
    for (const cluster of this.clusters.values()) {
      cluster.setEndpoints(this.registry.service(cluster.key.service)?.endpoints ?? [])
    }
  }
}
