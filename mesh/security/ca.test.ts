import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { X509Certificate } from 'node:crypto'
import { describe, expect, test, vi } from 'vitest'
import { ManualClock } from '../clock.ts'
import { createMeshCa, uriSans } from './ca.ts'
import { WorkloadCertificate } from './workload-certificate.ts'

const RATINGS = 'spiffe://cluster.local/ns/default/sa/bookinfo-ratings'

describe('mesh CA', () => {
  test('issues a certificate whose only SAN is the SPIFFE id, signed by the root', async () => {
    const now = Date.now()
    const ca = await createMeshCa({ nowMs: now })
    const issued = await ca.issue(RATINGS, 3600_000, now)
    const cert = new X509Certificate(issued.certPem)
    expect(uriSans(cert)).toEqual([RATINGS])
    expect(cert.subjectAltName).toBe(`URI:${RATINGS}`)
    expect(cert.verify(new X509Certificate(ca.rootPem).publicKey)).toBe(true)
    expect(cert.ca).toBe(false)
    expect(issued.notAfterMs - now).toBeGreaterThanOrEqual(3600_000)
    expect(issued.notAfterMs - now).toBeLessThan(3601_000)
    expect(cert.checkPrivateKey((await import('node:crypto')).createPrivateKey(issued.keyPem))).toBe(true)
  })

  test('--ca-dir: the root is created once, then loaded', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'meshdojo-ca-'))
    try {
      const first = await createMeshCa({ dir, nowMs: Date.now() })
      const again = await createMeshCa({ dir, nowMs: Date.now() })
      expect(again.rootPem).toBe(first.rootPem)
      const issued = await again.issue(RATINGS, 60_000, Date.now())
      expect(new X509Certificate(issued.certPem).verify(new X509Certificate(first.rootPem).publicKey)).toBe(true)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  test('a workload certificate rotates at half its lifetime, and stops when closed', async () => {
    const clock = new ManualClock()
    const ca = await createMeshCa({ nowMs: Date.now() })
    const holder = await WorkloadCertificate.start({ ca, spiffeId: RATINGS, clock, ttlMs: 10_000, wallClockMs: Date.now })
    const first = holder.current.serial
    await clock.advance(4_999)
    expect(holder.issued).toBe(1)
    await clock.advance(1)
    await vi.waitFor(() => expect(holder.issued).toBe(2), { timeout: 5_000 }) // issuing is WebCrypto work, off the clock
    expect(holder.current.serial).not.toBe(first)
    holder.close()
    expect(clock.pendingTimers()).toBe(0)
  })
})
