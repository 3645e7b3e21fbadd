/**
 * A mesh's one observability service, created with the mesh: one Prometheus registry (Istio's
 * metrics, every proxy's Envoy cluster and listener counters, `istio_build`), one access-log ring,
 * one span store, fed by the mesh's telemetry. The admin API, the dashboard and the scenario engine
 * all read this one, so every view of a mesh shows the same numbers and the same proxies.
 */
import { Registry } from 'prom-client'
import { AccessLogRing } from '../../mesh/telemetry/access-log-ring.ts'
import type { HistogramBuckets } from '../../mesh/telemetry/bucket-counts.ts'
import { registerEnvoyClusterMetrics, type ProxyClusters } from '../../mesh/telemetry/envoy-cluster-metrics.ts'
import { registerIstioBuild } from '../../mesh/telemetry/istio-build.ts'
import { IstioHttpMetrics } from '../../mesh/telemetry/istio-metrics.ts'
import type { TelemetryHub } from '../../mesh/telemetry/record.ts'
import { SpanStore } from '../../mesh/telemetry/span-store.ts'
import { IstioTcpMetrics, tcpProxiedLinks, type TcpStatsSource } from '../../mesh/telemetry/tcp-metrics.ts'

/** Everything optional; defaults suit the demo. */
export interface ObservabilityOptions {
  /** Access-log lines kept in memory for `GET /logs` and the dashboard's tap; default 2000. */
  readonly logLines?: number
  /** Traces kept for `GET /traces`; default 1000. */
  readonly traces?: number
  /** Istio histogram buckets by stat-name prefix (`sidecar.istio.io/statsHistogramBuckets`); default Envoy's. */
  readonly histogramBuckets?: HistogramBuckets
}

export interface MeshObservability {
  /** This mesh's Prometheus registry (never prom-client's global one): what `/metrics` serves. */
  readonly registry: Registry
  readonly metrics: IstioHttpMetrics
  /** TCP byte and connection totals, from links the sidecars proxy as TCP (none yet: see below). */
  readonly tcp: IstioTcpMetrics
  readonly logs: AccessLogRing
  readonly spans: SpanStore
  /** Every proxy now: the sidecars, the ingress gateway and the meshed clients started so far. */
  proxies(): ProxyClusters[]
  /** Their workload names, for "no workload named …" answers. */
  proxyNames(): string[]
  /** Takes the sinks off the mesh's telemetry. */
  close(): void
}

export interface ObservabilityDeps {
  readonly telemetry: TelemetryHub
  readonly proxies: () => ProxyClusters[]
  /** The Toxiproxy links between sidecars, when there are any. */
  readonly links?: TcpStatsSource
}

export function createMeshObservability(deps: ObservabilityDeps, options: ObservabilityOptions = {}): MeshObservability {
  const registry = new Registry()
  const metrics = new IstioHttpMetrics(registry, { histogramBuckets: options.histogramBuckets })
  const tcp = new IstioTcpMetrics(registry)
  // Every link carries HTTP today: each Service port is HTTP (Bookinfo's and httpbin's are named
  // `http`) and sidecars have HTTP proxy chains only. A TCP route would answer 'tcp' for its links.
  if (deps.links) tcp.add(tcpProxiedLinks(deps.links, () => 'http'))
  registerEnvoyClusterMetrics(registry, deps.proxies)
  registerIstioBuild(registry, deps.proxies)
  const logs = new AccessLogRing(options.logLines)
  const spans = new SpanStore({ maxTraces: options.traces })
  const removers = [metrics, logs, spans].map((sink) => deps.telemetry.add(sink))
  return {
    registry,
    metrics,
    tcp,
    logs,
    spans,
    proxies: deps.proxies,
    proxyNames: () => deps.proxies().map((p) => p.workload),
    close() {
      for (const remove of removers) remove()
    },
  }
}
