/**
 * A minimal mesh for the benchmark, built from meshdojo's own parts the way `startMesh` and
 * `RunningWorkload` wire them: a registry, a config feed, telemetry (the `/stats` windows, as in
 * every demo), and helpers that put an inbound sidecar in front of an app or start a client's
 * outbound sidecar. `full` adds the idle-filter config and the Prometheus/access-log/span sinks.
 */
import { systemClock } from '../../mesh/clock.ts'
import { randomSource } from '../../mesh/random.ts'
import { ServiceRegistry } from '../../mesh/control/registry.ts'
import { ConfigStore } from '../../mesh/control/config-store.ts'
import { TelemetryHub } from '../../mesh/telemetry/record.ts'
import { MeshStats } from '../../mesh/telemetry/stats.ts'
import { staticConfig, type ConfigFeed } from '../../mesh/sidecar/config-feed.ts'
import { startInboundProxy, type InboundProxy } from '../../mesh/sidecar/inbound-proxy.ts'
import { startOutboundProxy, type OutboundProxy, type ProxyDeps } from '../../mesh/sidecar/outbound-proxy.ts'
import { workloadIdentity, type WorkloadIdentity } from '../../mesh/sidecar/workload.ts'
import { createMeshObservability, type MeshObservability } from '../../sim/mesh/mesh-observability.ts'
import { FULL_FEATURES_YAML } from './full-features.ts'

export const SERVICE_PORT = 9080

export interface BenchMesh {
  readonly deps: ProxyDeps
  readonly registry: ServiceRegistry
  readonly telemetry: TelemetryHub
  /** Requests recorded by telemetry, by reporter: how many sidecar hops the traffic crossed. */
  readonly recorded: { source: number; destination: number }
  /** Registers `address` as the endpoint of workload `<service>-<version>` (no inbound sidecar). */
  addEndpoint(service: string, version: string, address: string, dialAddress?: string): void
  /** Inbound sidecar in front of an app at `appAddress`, registered as an endpoint of `service`. */
  addWorkload(service: string, version: string, appAddress: string, dialAddress?: (inbound: string) => Promise<string>): Promise<InboundProxy>
  /** A client workload's outbound sidecar (what its app's calls go through). */
  addClient(name: string): Promise<OutboundProxy>
  close(): Promise<void>
}

export interface BenchMeshOptions {
  /** `default`: no config (mesh default routes, retries on connect failure); `full`: every filter idle. */
  readonly features: 'default' | 'full'
  /** Services to declare up front (as startMesh does), so sidecars compile their routes once. */
  readonly services: readonly string[]
}

export async function startBenchMesh(options: BenchMeshOptions): Promise<BenchMesh> {
  const clock = systemClock()
  const random = randomSource(1)
  const registry = new ServiceRegistry()
  const telemetry = new TelemetryHub()
  telemetry.add(new MeshStats(clock))
  const recorded = { source: 0, destination: 0 }
  telemetry.add({ record: (r) => void recorded[r.reporter]++ })
  const identities = new Map<string, WorkloadIdentity>()
  for (const service of options.services) registry.addService(service, SERVICE_PORT)
  let config: ConfigFeed = staticConfig()
  let observability: MeshObservability | undefined
  if (options.features === 'full') {
    const store = new ConfigStore({ knownServices: () => new Set(registry.list().map((s) => s.fqdn)) })
    store.applyText(FULL_FEATURES_YAML, 'full-features.yaml')
    config = store
  }
  const deps: ProxyDeps = { clock, random, registry, config, telemetry, directory: (name) => identities.get(name) }
  const closers: Array<() => Promise<void>> = []
  const clients: OutboundProxy[] = []
  if (options.features === 'full') {
    // The demo's sinks (Prometheus, access-log ring, spans); proxies are read only when /metrics is scraped.
    observability = createMeshObservability({ telemetry, proxies: () => [] })
  }
  function addEndpoint(service: string, version: string, address: string, dialAddress?: string): void {
    const identity = workloadIdentity(service, version)
    identities.set(identity.name, identity)
    registry.addService(service, SERVICE_PORT)
    registry.upsertEndpoint({ workload: identity.name, service, labels: identity.labels, address, dialAddress, ready: true })
  }
  return {
    deps,
    registry,
    telemetry,
    recorded,
    addEndpoint,
    async addWorkload(service, version, appAddress, dialAddress) {
      const identity = workloadIdentity(service, version)
      identities.set(identity.name, identity)
      const inbound = await startInboundProxy(identity, deps, { appAddress: () => appAddress, servicePort: SERVICE_PORT })
      closers.push(() => inbound.close())
      const address = inbound.listener.address
      addEndpoint(service, version, address, dialAddress ? await dialAddress(address) : undefined)
      return inbound
    },
    async addClient(name) {
      const identity = workloadIdentity(name, 'v1')
      identities.set(identity.name, identity)
      const outbound = await startOutboundProxy(identity, deps, { kind: 'sidecar' })
      clients.push(outbound)
      closers.push(() => outbound.close())
      return outbound
    },
    async close() {
      await Promise.all(closers.map((c) => c().catch(() => {})))
      observability?.close()
    },
  }
}
