/**
 * One running workload: its app (reachable only through its sidecar, in-process), its sidecar
 * (inbound on a real socket, outbound in-process) and its entry in the registry. `kill()` takes the app down (the sidecar stays, as when a container crashes) and
 * the endpoint turns not-ready after a readiness-probe delay; `restart()` brings both back.
 */
import type { Dispatcher } from 'undici'
import type { Clock } from '../../mesh/clock.ts'
import type { RandomSource } from '../../mesh/random.ts'
import type { ServiceRegistry } from '../../mesh/control/registry.ts'
import { egressCapture } from '../../mesh/sidecar/egress-capture.ts'
import { startInboundProxy, type InboundProxy } from '../../mesh/sidecar/inbound-proxy.ts'
import { startOutboundProxy, type OutboundProxy, type ProxyDeps } from '../../mesh/sidecar/outbound-proxy.ts'
import { principalOf, workloadIdentity, type WorkloadIdentity } from '../../mesh/sidecar/workload.ts'
import { refused } from '../../mesh/http/in-process-pipe.ts'
import { startPodApp, type PodApp } from './pod-app.ts'
import type { WorkloadSpec } from './topology.ts'

export interface WorkloadDeps extends ProxyDeps {
  readonly registry: ServiceRegistry
  readonly random: RandomSource
  readonly clock: Clock
  /** How long a killed workload stays in the endpoints (readiness periodSeconds × failureThreshold). */
  readonly notReadyAfterMs: number
}

export type WorkloadState = 'running' | 'killed'

export class RunningWorkload {
  readonly identity: WorkloadIdentity
  readonly podName: string
  private app: PodApp | undefined
  private dispatcher: ReturnType<typeof egressCapture> | undefined
  private propagate = true
  private notReadyTimer: AbortController | undefined

  private constructor(
    readonly spec: WorkloadSpec,
    readonly inbound: InboundProxy,
    readonly outbound: OutboundProxy,
    private readonly deps: WorkloadDeps,
    identity: WorkloadIdentity,
    podName: string,
  ) {
    this.identity = identity
    this.podName = podName
  }

  static async start(spec: WorkloadSpec, deps: WorkloadDeps): Promise<RunningWorkload> {
    const identity = workloadIdentity(spec.app, spec.version)
    const podName = podNameFor(identity.name, deps.random)
    // The inbound side asks on every new connection: the app may have been killed or restarted.
    let workload: RunningWorkload | undefined
    const appConnect = () => {
      if (!workload?.app) throw refused()
      return workload.app.connect()
    }
    const inbound = await startInboundProxy(identity, deps, { appConnect, servicePort: spec.servicePort })
    const outbound = await startOutboundProxy(identity, deps, { kind: 'sidecar', private: true })
    workload = new RunningWorkload(spec, inbound, outbound, deps, identity, podName)
    deps.registry.addService(spec.app, spec.servicePort)
    await workload.startApp()
    deps.registry.upsertEndpoint({
      workload: identity.name,
      service: spec.app,
      labels: identity.labels,
      address: inbound.listener.address,
      ready: true,
      // Every workload here has a sidecar: callers may use (auto) mTLS and check this identity.
      principal: principalOf(identity),
    })
    return workload
  }

  get state(): WorkloadState {
    return this.app ? 'running' : 'killed'
  }

  /** What the app's own calls go through: its sidecar's outbound side (tests call as this workload with it). */
  get egress(): Dispatcher | undefined {
    return this.dispatcher
  }

  /**
   * Makes the app forget (or remember) to propagate trace headers. A new app handler takes new
   * requests at once; requests in flight finish on the old one, so none is dropped.
   */
  async setTracePropagation(on: boolean): Promise<void> {
    if (this.propagate === on) return
    this.propagate = on
    if (this.app && this.dispatcher) this.app.replace(this.createApp(this.dispatcher))
  }

  async kill(): Promise<void> {
    if (!this.app) return
    await this.stopApp()
    const timer = new AbortController()
    this.notReadyTimer = timer
    this.deps.clock.sleep(this.deps.notReadyAfterMs, timer.signal).then(
      () => this.deps.registry.updateEndpoint(this.identity.name, { ready: false }),
      () => {},
    )
  }

  async restart(): Promise<void> {
    if (this.app) return
    this.notReadyTimer?.abort()
    this.notReadyTimer = undefined
    await this.startApp()
    this.deps.registry.updateEndpoint(this.identity.name, { ready: true })
  }

  async close(): Promise<void> {
    this.notReadyTimer?.abort()
    this.deps.registry.removeEndpoint(this.identity.name)
    await this.stopApp()
    await Promise.all([this.inbound.close(), this.outbound.close()])
  }

  private async startApp(): Promise<void> {
    this.dispatcher = egressCapture(this.outbound.listener)
    this.app = startPodApp(this.createApp(this.dispatcher))
  }

  private createApp(dispatcher: Dispatcher) {
    return this.spec.createApp({
      dispatcher,
      podName: this.podName,
      random: this.deps.random.stream(`${this.identity.name}/app`),
      propagateTraceHeaders: this.propagate,
    })
  }

  private async stopApp(): Promise<void> {
    const app = this.app
    const dispatcher = this.dispatcher
    this.app = undefined
    this.dispatcher = undefined
    app?.close()
    await dispatcher?.destroy()
  }
}

/** Pod names like Kubernetes': `reviews-v2-5b8c7f9d4c-x2k9p`, from the seeded random source. */
function podNameFor(workload: string, random: RandomSource): string {
  const draw = random.stream(`${workload}/pod-name`)
  const pick = (alphabet: string, n: number) => Array.from({ length: n }, () => alphabet[Math.floor(draw() * alphabet.length)]).join('')
  return `${workload}-${pick('0123456789abcdef', 10)}-${pick('bcdfghjklmnpqrstvwxz2456789', 5)}`
}
