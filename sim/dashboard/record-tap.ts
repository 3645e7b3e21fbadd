/**
 * What the dashboard keeps from the request stream (a telemetry subscriber, O(1) per request):
 * the newest requests for the `tap` panel, mirrored copies per edge (the caller's stats never count
 * them), and which edges were seen with mTLS. Request records in, plain data out.
 */
import type { RequestRecord } from '../../mesh/telemetry/record.ts'

const MIRROR_SECONDS = 10
const SECURE_TTL_MS = 30_000

/** `source>destination` by workload (the destination's service when no workload answered). */
export const edgeKey = (r: RequestRecord): string =>
  `${r.source.workload}>${r.destination.workload !== 'unknown' ? r.destination.workload : r.destinationService.split('.')[0]}`

export class RecordTap {
  private readonly ring: (RequestRecord | undefined)[]
  private next = 0
  private readonly mirrors = new Map<string, { second: number; count: number }[]>()
  private readonly security = new Map<string, { policy: string; atMs: number }>()

  /** `capacity`: requests kept for the tap panel. */
  constructor(readonly capacity = 300) {
    this.ring = new Array(capacity)
  }

  record(r: RequestRecord): void {
    const endMs = r.startEpochMs + r.durationMs
    if (r.reporter === 'destination') {
      // Every caller's request is already in the tap from its source side; mirror copies only exist here.
      if (r.mirrored) this.countMirror(edgeKey(r), Math.floor(endMs / 1000))
      if (r.connectionSecurityPolicy && r.connectionSecurityPolicy !== 'unknown') this.security.set(edgeKey(r), { policy: r.connectionSecurityPolicy, atMs: endMs })
      if (!r.mirrored) return
    } else if (r.connectionSecurityPolicy && r.connectionSecurityPolicy !== 'unknown') {
      this.security.set(edgeKey(r), { policy: r.connectionSecurityPolicy, atMs: endMs })
    }
    this.ring[this.next % this.capacity] = r
    this.next++
  }

  /** Kept requests, oldest first. */
  recent(): RequestRecord[] {
    const out: RequestRecord[] = []
    for (let i = Math.max(0, this.next - this.capacity); i < this.next; i++) out.push(this.ring[i % this.capacity]!)
    return out
  }

  /** Mirrored copies per second over the last 10 s, by `source>destination`. */
  mirroredRps(nowEpochMs: number): Map<string, number> {
    const last = Math.floor(nowEpochMs / 1000)
    const out = new Map<string, number>()
    for (const [key, buckets] of this.mirrors) {
      const n = buckets.filter((b) => b.second > last - MIRROR_SECONDS && b.second <= last).reduce((sum, b) => sum + b.count, 0)
      if (n > 0) out.set(key, n / MIRROR_SECONDS)
      else if (buckets.every((b) => b.second <= last - MIRROR_SECONDS)) this.mirrors.delete(key)
    }
    return out
  }

  /** Edges whose latest request (within 30 s) reported `connectionSecurityPolicy: mutual_tls`. */
  secureEdges(nowEpochMs: number): Set<string> {
    const out = new Set<string>()
    for (const [key, s] of this.security) if (s.policy === 'mutual_tls' && nowEpochMs - s.atMs < SECURE_TTL_MS) out.add(key)
    return out
  }

  private countMirror(key: string, second: number): void {
    const buckets = this.mirrors.get(key) ?? []
    const lastBucket = buckets[buckets.length - 1]
    if (lastBucket?.second === second) lastBucket.count++
    else buckets.push({ second, count: 1 })
    if (buckets.length > MIRROR_SECONDS) buckets.shift()
    this.mirrors.set(key, buckets)
  }
}
