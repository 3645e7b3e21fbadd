/**
 * Observability for a running mesh, as Istio users know it: Prometheus metrics with Istio's names
 * and labels (plus Envoy's cluster counters), Envoy access logs (memory ring, optional rotated
 * file), and traces with OTLP/Jaeger/Zipkin export. Adds its sinks to `mesh.telemetry` and returns
 * the admin routes; `close()` removes the sinks, ends log followers and closes the log file.
 */
import { Registry } from 'prom-client'
import type { AccessLogFormat } from '../../mesh/telemetry/access-log-format.ts'
import { AccessLogFile } from '../../mesh/telemetry/access-log-file.ts'
import { AccessLogRing } from '../../mesh/telemetry/access-log-ring.ts'
import { registerEnvoyClusterMetrics } from '../../mesh/telemetry/envoy-cluster-metrics.ts'
import { IstioHttpMetrics } from '../../mesh/telemetry/istio-metrics.ts'
import { SpanStore } from '../../mesh/telemetry/span-store.ts'
import { IstioTcpMetrics } from '../../mesh/telemetry/tcp-metrics.ts'
import type { Mesh } from '../mesh/start-mesh.ts'
import type { AdminRoutes } from './admin-server.ts'
import { clusterRoutes } from './cluster-routes.ts'
import { logRoutes } from './log-routes.ts'
import { metricsRoutes } from './metrics-routes.ts'
import { propagationRoutes } from './propagation-routes.ts'
import { meshProxies, proxyNames } from './proxy-clusters.ts'
import { traceRoutes } from './trace-routes.ts'

/** Everything optional; defaults suit the demo. */
export interface ObservabilityOptions {
  /** Also write every sidecar's access log to this file (rotated at `accessLogMaxBytes`, one `.1` kept). */
  readonly accessLogFile?: string
  /** Encoding of the file: Istio's TEXT (default) or JSON. The admin API serves both. */
  readonly accessLogFormat?: AccessLogFormat
  /** Default 10 MB. */
  readonly accessLogMaxBytes?: number
  /** Access-log lines kept in memory for `GET /logs`; default 2000. */
  readonly logLines?: number
  /** Traces kept for `GET /traces`; default 1000. */
  readonly traces?: number
}

/** What the installer added, for the runner (routes, close) and tests (the stores). */
export interface Observability {
  /** This mesh's Prometheus registry (never prom-client's global one). */
  readonly registry: Registry
  readonly metrics: IstioHttpMetrics
  /** Where TCP byte/connection totals come from: `tcp.add(source)` (the Toxiproxy links). */
  readonly tcp: IstioTcpMetrics
  readonly logs: AccessLogRing
  readonly spans: SpanStore
  readonly accessLogFile: AccessLogFile | undefined
  readonly routes: readonly AdminRoutes[]
  close(): Promise<void>
}

/** Call once per mesh after `startMesh`; pass `routes` to `startAdminServer`, and `close()` on shutdown. */
export async function installObservability(mesh: Mesh, options: ObservabilityOptions = {}): Promise<Observability> {
  const file = options.accessLogFile
    ? await AccessLogFile.open({ path: options.accessLogFile, format: options.accessLogFormat, maxBytes: options.accessLogMaxBytes })
    : undefined
  const registry = new Registry()
  const metrics = new IstioHttpMetrics(registry)
  const tcp = new IstioTcpMetrics(registry)
  registerEnvoyClusterMetrics(registry, () => meshProxies(mesh))
  const logs = new AccessLogRing(options.logLines)
  const spans = new SpanStore({ maxTraces: options.traces })
  const removers = [metrics, logs, spans, ...(file ? [file] : [])].map((sink) => mesh.telemetry.add(sink))
  const followers = new Set<() => void>()
  const routes: AdminRoutes[] = [
    metricsRoutes(registry),
    clusterRoutes(() => meshProxies(mesh)),
    logRoutes({ ring: logs, workloads: () => proxyNames(mesh), followers }),
    traceRoutes(spans),
    propagationRoutes(mesh.workloads),
  ]
  return {
    registry,
    metrics,
    tcp,
    logs,
    spans,
    accessLogFile: file,
    routes,
    async close() {
      for (const remove of removers) remove()
      for (const stop of [...followers]) stop()
      await file?.close()
    },
  }
}
