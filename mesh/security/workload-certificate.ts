/**
 * One workload's certificate as its sidecar holds it (Istio's SDS agent): issued at start, rotated
 * when half its lifetime is gone (Istio's default grace ratio), with node:tls secure contexts ready
 * for both directions. A rotation only changes what new connections present; connections already
 * open keep their session, so no request is dropped.
 */
import { constants } from 'node:crypto'
import type { SecureContextOptions } from 'node:tls'
import type { Clock } from '../clock.ts'
import type { IssuedCertificate, MeshCa } from './ca.ts'

export interface WorkloadCertificateOptions {
  readonly ca: MeshCa
  readonly spiffeId: string
  readonly clock: Clock
  /** Certificate lifetime; rotation happens after `rotateAfter` of it (default 0.5). */
  readonly ttlMs: number
  readonly rotateAfter?: number
  /** Wall-clock epoch ms for validity dates (certificates are checked by OpenSSL against real time). */
  readonly wallClockMs?: () => number
}

export class WorkloadCertificate {
  readonly spiffeId: string
  /** Bumped by every rotation; clients rebuild their TLS connector when it changes. */
  version = 0
  /** How many certificates were issued (the first one included). */
  issued = 0
  #current!: IssuedCertificate
  #server!: SecureContextOptions
  readonly #stop = new AbortController()
  readonly #listeners = new Set<(cert: IssuedCertificate) => void>()

  private constructor(private readonly options: WorkloadCertificateOptions) {
    this.spiffeId = options.spiffeId
  }

  /** Issues the first certificate and arms the rotation. */
  static async start(options: WorkloadCertificateOptions): Promise<WorkloadCertificate> {
    const holder = new WorkloadCertificate(options)
    await holder.#rotate()
    return holder
  }

  get current(): IssuedCertificate {
    return this.#current
  }

  /** What an inbound listener answers TLS with: this certificate, client certificates verified against the root. */
  get serverOptions(): SecureContextOptions {
    return this.#server
  }

  /** Options for `tls.connect` on the client side (the caller adds servername and identity checks). */
  clientOptions(): { key: string; cert: string; ca: string; minVersion: 'TLSv1.3' } {
    return { key: this.#current.keyPem, cert: this.#current.certPem, ca: this.options.ca.rootPem, minVersion: 'TLSv1.3' }
  }

  onRotate(listener: (cert: IssuedCertificate) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Issues a new certificate now (also what the timer does). */
  async rotate(): Promise<void> {
    await this.#rotate()
  }

  /** Stops the rotation timer. */
  close(): void {
    this.#stop.abort()
  }

  async #rotate(): Promise<void> {
    const now = this.options.wallClockMs?.() ?? this.options.clock.epochMs()
    const cert = await this.options.ca.issue(this.spiffeId, this.options.ttlMs, now)
    if (this.#stop.signal.aborted) return
    // No session tickets: every connection proves both certificates afresh (clients keep connections alive).
    this.#server = Object.freeze({ key: cert.keyPem, cert: cert.certPem, ca: this.options.ca.rootPem, minVersion: 'TLSv1.3', secureOptions: constants.SSL_OP_NO_TICKET })
    this.#current = cert
    this.version++
    this.issued++
    for (const listener of this.#listeners) listener(cert)
    this.#arm()
  }

  #arm(): void {
    const delayMs = Math.max(10, this.options.ttlMs * (this.options.rotateAfter ?? 0.5))
    this.options.clock.sleep(delayMs, this.#stop.signal).then(
      () => this.#rotate().catch(() => this.#arm()), // a failed issue is retried after another interval
      () => {}, // closed
    )
  }
}
