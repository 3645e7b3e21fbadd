/**
 * One running workload: its app on a real socket, its sidecar (inbound + outbound) and its entry in
 * the registry. `kill()` takes the app down (the sidecar stays, as when a container crashes) and
 * the endpoint turns not-ready after a readiness-probe delay; `restart()` brings both back.
 */
import type { Clock } from '../../mesh/clock.ts'
import type { RandomSource } from '../../mesh/random.ts'
import type { ServiceRegistry } from '../../mesh/control/registry.ts'
import { egressCapture } from '../../mesh/sidecar/egress-capture.ts'
import { startInboundProxy, type InboundProxy } from '../../mesh/sidecar/inbound-proxy.ts'
import { startOutboundProxy, type OutboundProxy, type ProxyDeps } from '../../mesh/sidecar/outbound-proxy.ts'
import { principalOf, workloadIdentity, type WorkloadIdentity } from '../../mesh/sidecar/workload.ts'
import { startApp, type RunningApp } from '../../bookinfo/index.ts'
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
  private app: RunningApp | undefined
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
    /** Read by the inbound sidecar on every request: where the app listens now. */
    private readonly target: { address: string },
  ) {
    this.identity = identity
    this.podName = podName
  }

  static async start(spec: WorkloadSpec, deps: WorkloadDeps): Promise<RunningWorkload> {
    const identity = workloadIdentity(spec.app, spec.version)
    const podName = podNameFor(identity.name, deps.random)
    const target = { address: '' }
    const inbound = await startInboundProxy(identity, deps, { appAddress: () => target.address, servicePort: spec.servicePort })
    const outbound = await startOutboundProxy(identity, deps, { kind: 'sidecar' })
    const workload = new RunningWorkload(spec, inbound, outbound, deps, identity, podName, target)
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

  /** Where the app itself listens (behind the sidecar). */
  get appUrl(): string | undefined {
    return this.app?.url
  }

  /** Makes the app forget (or remember) to propagate trace headers; takes effect on restart of its handler. */
  async setTracePropagation(on: boolean): Promise<void> {
    if (this.propagate === on) return
    this.propagate = on
    if (this.app) {
      await this.stopApp()
      await this.startApp()
    }
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
    this.dispatcher = egressCapture(this.outbound.listener.port)
    const listener = this.spec.createApp({
      dispatcher: this.dispatcher,
      podName: this.podName,
      random: this.deps.random.stream(`${this.identity.name}/app`),
      propagateTraceHeaders: this.propagate,
    })
    this.app = await startApp(listener)
    this.target.address = `127.0.0.1:${this.app.port}`
  }

  private async stopApp(): Promise<void> {
    const app = this.app
    const dispatcher = this.dispatcher
    this.app = undefined
    this.dispatcher = undefined
    await app?.close()
    await dispatcher?.destroy()
  }
}

/** Pod names like Kubernetes': `reviews-v2-5b8c7f9d4c-x2k9p`, from the seeded random source. */
function podNameFor(workload: string, random: RandomSource): string {
  const draw = random.stream(`${workload}/pod-name`)
  const pick = (alphabet: string, n: number) => Array.from({ length: n }, () => alphabet[Math.floor(draw() * alphabet.length)]).join('')
  return `${workload}-${pick('0123456789abcdef', 10)}-${pick('bcdfghjklmnpqrstvwxz2456789', 5)}`
}
