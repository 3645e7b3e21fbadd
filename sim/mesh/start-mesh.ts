/**
 * Starts a whole mesh in this process: the registry and config store (the control plane), every
 * workload with its sidecar, the ingress gateway, and telemetry. Everything listens on 127.0.0.1;
 * port 0 means a free port. `close()` stops every server, socket and timer it started.
 */
import { readFile } from 'node:fs/promises'
import { systemClock, type Clock } from '../../mesh/clock.ts'
import { MeshError } from '../../mesh/errors.ts'
import { randomSource, type RandomSource } from '../../mesh/random.ts'
import { ServiceRegistry } from '../../mesh/control/registry.ts'
import { ConfigStore } from '../../mesh/control/config-store.ts'
import { TelemetryHub } from '../../mesh/telemetry/record.ts'
import { MeshStats } from '../../mesh/telemetry/stats.ts'
import { edgeSanitize } from '../../mesh/filters/edge-sanitize.ts'
import { edgeForwarded } from '../../mesh/filters/forwarded-for.ts'
import { startOutboundProxy, type OutboundProxy, type ProxyDeps } from '../../mesh/sidecar/outbound-proxy.ts'
import { gatewayIdentity as ingressIdentity, type WorkloadIdentity } from '../../mesh/sidecar/workload.ts'
import { createMeshCa } from '../../mesh/security/ca.ts'
import { MeshSecurity } from '../../mesh/security/mesh-security.ts'
import { RunningWorkload } from './workload-runtime.ts'
import { bookinfoWorkloads, extAuthzWorkloads, httpbinWorkloads, type WorkloadSpec } from './topology.ts'
import { startMeshLinks, type LinkOptions, type MeshLinks } from './toxiproxy-links.ts'
import { createMeshObservability, type MeshObservability, type ObservabilityOptions } from './mesh-observability.ts'
import { meshProxies } from './mesh-proxies.ts'
import { MeshedClients } from '../load/meshed-client.ts'
import { packagePath } from '../package-root.ts'

/** Istio's own gateway config for Bookinfo, applied at start as the default ingress routing. */
export const DEFAULT_GATEWAY_FILE = packagePath(import.meta.url, 'samples', 'istio', 'bookinfo-gateway.yaml')

export interface MeshOptions {
  readonly seed: number
  /** Ingress gateway port; 0 picks a free one. */
  readonly ingressPort?: number
  readonly clock?: Clock
  /** Adds httpbin v1/v2 (Istio's circuit-breaking and mirroring tasks). */
  readonly withHttpbin?: boolean
  /** Adds Istio's sample ext-authz server, Service `ext-authz` port 8000 (the External Authorization task). */
  readonly withExtAuthz?: boolean
  readonly workloads?: readonly WorkloadSpec[]
  /** Apply Istio's bookinfo-gateway.yaml at start (default true). */
  readonly defaultGateway?: boolean
  /** How long a killed workload stays in the endpoints; default 3 s (probe every 1 s, 3 failures). */
  readonly notReadyAfterMs?: number
  /** Istio YAML files applied at start, after the default gateway. */
  readonly configFiles?: readonly string[]
  /** Istio YAML texts applied at start, after `configFiles` (a lesson's setup); `label` names them in errors. */
  readonly configTexts?: readonly { readonly text: string; readonly label: string }[]
  /**
   * The Toxiproxy links between sidecars: embedded on `port` (default 0: any free port), or on an
   * external Toxiproxy at `url`; `false` connects sidecars directly (benchmarks of the bare path).
   */
  readonly toxiproxy?: LinkOptions | false
  /**
   * Mesh security (default on, as in Istio): a CA issues every workload a certificate and sidecars
   * use auto mTLS. `false`: no CA, every hop plain text (benchmarks of the bare data plane).
   */
  readonly security?: SecurityOptions | false
  /** Ring and store sizes, histogram buckets. */
  readonly observability?: ObservabilityOptions
}

export interface SecurityOptions {
  /** Load the root CA from `ca-cert.pem` + `ca-key.pem` here, or create them here. Default: a fresh root in memory. */
  readonly caDir?: string
  /** MeshConfig `enableAutoMtls`; default true. */
  readonly autoMtls?: boolean
  /** Workload certificate lifetime (rotated at half of it); default 1 h. */
  readonly certTtlMs?: number
}

export interface Mesh {
  readonly seed: number
  readonly clock: Clock
  readonly random: RandomSource
  readonly registry: ServiceRegistry
  readonly config: ConfigStore
  readonly telemetry: TelemetryHub
  readonly stats: MeshStats
  readonly workloads: ReadonlyMap<string, RunningWorkload>
  readonly gateway: OutboundProxy
  readonly gatewayIdentity: WorkloadIdentity
  /** CA, workload certificates and mTLS decisions; undefined when started with `security: false`. */
  readonly security: MeshSecurity | undefined
  /** The Toxiproxy links in front of every workload; undefined when started with `toxiproxy: false`. */
  readonly links: MeshLinks | undefined
  /** `http://127.0.0.1:9080` */
  readonly ingressUrl: string
  /** What a proxy needs from this mesh, for extra proxies such as a meshed load client. */
  readonly proxyDeps: ProxyDeps
  /** Names another meshed client (e.g. the load generator's `fortio`) so telemetry can label it. */
  registerClient(identity: WorkloadIdentity): void
  /** Meshed load clients (`fortio-v1` …), started on first use and known to every view. */
  readonly clients: MeshedClients
  /** The one set of numbers every view reads: metrics, access logs, traces, the proxies. */
  readonly observability: MeshObservability
  workload(name: string): RunningWorkload
  /**
   * Makes the config what the mesh started with again, in one atomic change: the default gateway,
   * then `configFiles` and `configTexts` (as read at start); everything applied since is removed.
   */
  resetConfig(): Promise<void>
  close(): Promise<void>
}

export async function startMesh(options: MeshOptions): Promise<Mesh> {
  const clock = options.clock ?? systemClock()
  const random = randomSource(options.seed)
  const registry = new ServiceRegistry()
  const config = new ConfigStore({ knownServices: () => new Set(registry.list().map((s) => s.fqdn)) })
  const telemetry = new TelemetryHub()
  const identities = new Map<string, WorkloadIdentity>()
  const security =
    options.security === false
      ? undefined
      : new MeshSecurity({
          ca: await createMeshCa({ dir: options.security?.caDir, nowMs: Date.now() }),
          clock,
          config,
          autoMtls: options.security?.autoMtls ?? true,
          ...(options.security?.certTtlMs === undefined ? {} : { certTtlMs: options.security.certTtlMs }),
        })
  const deps: ProxyDeps = { clock, random, registry, config, telemetry, directory: (name) => identities.get(name), ...(security ? { security } : {}) }
  const clients = new MeshedClients(deps, (identity) => identities.set(identity.name, identity))
  // A load client has no inbound side: its row in the tables is what its outbound side saw, as the gateway's.
  const stats = new MeshStats(clock, { outboundOnly: (workload) => clients.has(workload) })
  telemetry.add(stats)

  const specs = options.workloads ?? [...bookinfoWorkloads(), ...(options.withHttpbin ? httpbinWorkloads() : []), ...(options.withExtAuthz ? extAuthzWorkloads() : [])]
  // Services first, so every sidecar's first route table already knows all of them.
  for (const spec of specs) registry.addService(spec.app, spec.servicePort)
  // The start config: the default gateway, then user config. It is applied before traffic starts
  // (an invalid file stops the start with its errors), and `resetConfig()` comes back to it.
  const startConfig = [
    ...(options.defaultGateway === false ? [] : [{ text: await readFile(DEFAULT_GATEWAY_FILE, 'utf8'), label: 'bookinfo-gateway.yaml' }]),
    ...(await Promise.all((options.configFiles ?? []).map(async (file) => ({ text: await readFile(file, 'utf8'), label: file })))),
    ...(options.configTexts ?? []),
  ]
  for (const { text, label } of startConfig) config.applyText(text, label)
  const workloads = new Map<string, RunningWorkload>()
  const started = await Promise.allSettled(
    specs.map((spec) => RunningWorkload.start(spec, { ...deps, notReadyAfterMs: options.notReadyAfterMs ?? 3_000 })),
  )
  for (const result of started) {
    if (result.status === 'fulfilled') {
      workloads.set(result.value.identity.name, result.value)
      identities.set(result.value.identity.name, result.value.identity)
    }
  }
  const failure = started.find((r) => r.status === 'rejected')
  const gatewayIdentity = ingressIdentity()
  identities.set(gatewayIdentity.name, gatewayIdentity)
  let gateway: OutboundProxy
  let links: MeshLinks | undefined
  try {
    if (failure) throw failure.reason
    if (options.toxiproxy !== false) {
      links = await startMeshLinks(registry, random.stream('toxiproxy'), options.toxiproxy ?? {})
      for (const w of workloads.values()) await links.link(w.identity, w.inbound.listener.address)
    }
    gateway = await startOutboundProxy(gatewayIdentity, deps, { kind: 'gateway', edgeFilters: [edgeSanitize(), edgeForwarded()], port: options.ingressPort ?? 0 })
  } catch (err) {
    await links?.close()
    await Promise.all([...workloads.values()].map((w) => w.close()))
    await security?.close()
    throw err
  }
  const observability = createMeshObservability({ telemetry, proxies: () => meshProxies({ workloads, gateway, gatewayIdentity, clients }), links }, options.observability)

  return {
    seed: options.seed,
    clock,
    random,
    registry,
    config,
    telemetry,
    stats,
    workloads,
    gateway,
    gatewayIdentity,
    security,
    links,
    ingressUrl: `http://127.0.0.1:${gateway.listener.port}`,
    proxyDeps: deps,
    registerClient: (identity) => identities.set(identity.name, identity),
    clients,
    observability,
    workload(name) {
      const w = workloads.get(name)
      if (!w) throw new MeshError('MESH_UNKNOWN_WORKLOAD', `no workload named ${name}; workloads: ${[...workloads.keys()].join(', ')}`)
      return w
    },
    async resetConfig() {
      config.replaceAll(startConfig.flatMap(({ text, label }) => config.parse(text, label)))
    },
    async close() {
      await gateway.close()
      await clients.close()
      await links?.close()
      await Promise.all([...workloads.values()].map((w) => w.close()))
      await security?.close()
      observability.close()
    },
  }
}
