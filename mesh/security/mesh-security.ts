/**
 * Security of one mesh (the part of istiod and the SDS agents that meshdojo needs): the CA, one
 * rotating certificate per workload, the inbound mTLS mode from PeerAuthentication, and the client
 * side's choice per endpoint: mTLS when the DestinationRule says ISTIO_MUTUAL, or, with no TLS
 * setting, auto mTLS (the endpoint has a sidecar and its PeerAuthentication is not DISABLE).
 * Decisions are cached per config version: a request costs a map lookup, and nothing when the
 * proxy has no MeshSecurity at all.
 */
import type { Clock } from '../clock.ts'
import type { ConfigSnapshot, TLSMode } from '../control/types.ts'
import type { ConfigFeed } from '../sidecar/config-feed.ts'
import type { InboundTls } from '../http/listener.ts'
import type { UpstreamTls } from '../http/upstream-pool.ts'
import { principalOf, type WorkloadIdentity } from '../sidecar/workload.ts'
import type { MeshCa } from './ca.ts'
import { effectiveMtls, namespaceMtls, type EffectiveMtls } from './peer-authn.ts'
import { WorkloadCertificate } from './workload-certificate.ts'

export interface MeshSecurityOptions {
  readonly ca: MeshCa
  readonly clock: Clock
  readonly config: ConfigFeed
  /** MeshConfig `enableAutoMtls` (Istio's default: true). */
  readonly autoMtls?: boolean
  /** Workload certificate lifetime; default 1 h, rotated at half of it. */
  readonly certTtlMs?: number
  /** Wall-clock epoch ms for certificate validity (OpenSSL checks against real time). Default Date.now. */
  readonly wallClockMs?: () => number
}

/** An endpoint as the client side sees it. */
export interface SecuredEndpoint {
  readonly workload: string
  /** The SPIFFE id of the endpoint's sidecar; absent when the endpoint has no sidecar. */
  readonly principal?: string
  readonly labels?: Readonly<Record<string, string>>
}

/** Where a client sidecar sends: the cluster's service, for the SNI and PeerAuthentication lookups. */
export interface UpstreamTarget {
  readonly fqdn: string
  readonly port: number
  readonly subset?: string
  readonly namespace: string
}

/** One proxy's client side: which endpoints get mTLS, with this workload's certificate. */
export interface TransportSecurity {
  upstream(drMode: TLSMode | undefined, endpoint: SecuredEndpoint, target: UpstreamTarget): UpstreamTls | undefined
}

export const DEFAULT_CERT_TTL_MS = 3600_000

export class MeshSecurity {
  readonly ca: MeshCa
  readonly autoMtls: boolean
  readonly #options: MeshSecurityOptions
  readonly #certificates = new Map<string, Promise<WorkloadCertificate>>()
  #snapshot: ConfigSnapshot
  #modes = new Map<string, EffectiveMtls>()
  readonly #unsubscribe: () => void

  constructor(options: MeshSecurityOptions) {
    this.#options = options
    this.ca = options.ca
    this.autoMtls = options.autoMtls ?? true
    this.#snapshot = options.config.snapshot()
    this.#unsubscribe = options.config.subscribe((snapshot) => {
      this.#snapshot = snapshot
      this.#modes = new Map()
    })
  }

  /** The workload's certificate, issued on first use and shared by its inbound and outbound sides. */
  certificate(identity: WorkloadIdentity): Promise<WorkloadCertificate> {
    let cert = this.#certificates.get(identity.name)
    if (!cert) {
      cert = WorkloadCertificate.start({
        ca: this.ca,
        spiffeId: principalOf(identity),
        clock: this.#options.clock,
        ttlMs: this.#options.certTtlMs ?? DEFAULT_CERT_TTL_MS,
        wallClockMs: this.#options.wallClockMs ?? Date.now,
      })
      this.#certificates.set(identity.name, cert)
    }
    return cert
  }

  /** The effective PeerAuthentication mode of a workload port, cached until the next config push. */
  mtlsMode(target: { name: string; namespace: string; labels: Readonly<Record<string, string>> }, port: number): EffectiveMtls {
    const key = `${target.name}|${port}`
    let mode = this.#modes.get(key)
    if (mode === undefined) {
      mode = effectiveMtls(this.#snapshot.peerAuthentications, target, port)
      this.#modes.set(key, mode)
    }
    return mode
  }

  /** What the inbound listener of `identity` (its workload port `port`) needs for mTLS. */
  inboundTls(identity: WorkloadIdentity, port: number, cert: WorkloadCertificate): InboundTls {
    return {
      mode: () => this.mtlsMode(identity, port),
      credentials: () => ({ version: cert.version, options: cert.serverOptions }),
    }
  }

  /** The client side of one proxy, presenting `cert`. */
  transport(cert: WorkloadCertificate): TransportSecurity {
    const tlsByPeer = new Map<string, UpstreamTls>()
    return {
      upstream: (drMode, endpoint, target) => {
        if (!this.#wantsMtls(drMode, endpoint, target)) return undefined
        const expected = endpoint.principal ?? ''
        const sni = `outbound_.${target.port}_.${target.subset ?? ''}_.${target.fqdn}`
        const key = `${expected}|${sni}`
        let tls = tlsByPeer.get(key)
        if (!tls) {
          tls = { identity: cert, expectedPrincipal: expected, sni }
          tlsByPeer.set(key, tls)
        }
        return tls
      },
    }
  }

  /** Stops every rotation timer. */
  async close(): Promise<void> {
    this.#unsubscribe()
    const all = await Promise.allSettled(this.#certificates.values())
    for (const c of all) if (c.status === 'fulfilled') c.value.close()
  }

  #wantsMtls(drMode: TLSMode | undefined, endpoint: SecuredEndpoint, target: UpstreamTarget): boolean {
    // An explicit DestinationRule setting wins; SIMPLE and MUTUAL origination are not simulated (plain).
    if (drMode !== undefined) return drMode === 'ISTIO_MUTUAL' && endpoint.principal !== undefined
    if (!this.autoMtls || endpoint.principal === undefined) return false
    // Istio's cluster-level hint looks at namespace and mesh policies only.
    const nsKey = `ns|${target.namespace}`
    let nsMode = this.#modes.get(nsKey)
    if (nsMode === undefined) {
      nsMode = namespaceMtls(this.#snapshot.peerAuthentications, target.namespace)
      this.#modes.set(nsKey, nsMode)
    }
    if (nsMode === 'DISABLE') return false
    return this.mtlsMode({ name: endpoint.workload, namespace: target.namespace, labels: endpoint.labels ?? {} }, target.port) !== 'DISABLE'
  }
}
