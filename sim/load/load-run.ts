/**
 * A fortio-style load run: `concurrency` workers each sending requests back to back (or paced to
 * `qps` in total), until `requests` are sent or `durationMs` passes. Reports code counts and
 * latency percentiles the way `fortio load` prints them.
 */
import { request, type Dispatcher } from 'undici'
import { LatencySketch } from '../../mesh/telemetry/latency-sketch.ts'
import type { Clock } from '../../mesh/clock.ts'
import { AbortGroup } from './abort-group.ts'

export interface LoadRunOptions {
  readonly url: string
  readonly dispatcher?: Dispatcher
  readonly concurrency: number
  /** Total requests; 0 means until `durationMs`. */
  readonly requests: number
  readonly durationMs?: number
  /** Total requests per second; 0 means as fast as possible (fortio's -qps 0). */
  readonly qps: number
  readonly headers?: Record<string, string>
  readonly clock: Clock
  readonly signal?: AbortSignal
}

export interface LoadResult {
  readonly requests: number
  readonly codes: Readonly<Record<string, number>>
  readonly durationMs: number
  readonly p50Ms: number
  readonly p75Ms: number
  readonly p90Ms: number
  readonly p99Ms: number
  readonly maxMs: number
  readonly actualQps: number
}

/** Hard ceiling on one run, whatever was asked: load loops are always bounded. */
const MAX_REQUESTS = 1_000_000

export async function runLoad(options: LoadRunOptions): Promise<LoadResult> {
  const { clock } = options
  const latencies = new LatencySketch()
  let maxMs = 0
  const codes: Record<string, number> = {}
  const started = clock.now()
  const deadline = options.durationMs ? started + options.durationMs : Infinity
  const total = Math.min(options.requests > 0 ? options.requests : MAX_REQUESTS, MAX_REQUESTS)
  const workers = Math.max(1, options.concurrency)
  const perWorkerGapMs = options.qps > 0 ? (1000 * workers) / options.qps : 0
  // One listener on the caller's signal, not one per worker's request and sleep (see AbortGroup).
  const cancel = new AbortGroup(options.signal)
  // Like fortio, each connection gets its share of -n: a worker failing fast cannot take the others' calls.
  const worker = async (index: number) => {
    const budget = workerShare(total, workers, index)
    for (let sent = 0; sent < budget && clock.now() < deadline && !cancel.aborted; sent++) {
      const t0 = clock.now()
      let code = '-1'
      try {
        code = await cancel.run(async (signal) => {
          const res = await request(options.url, { dispatcher: options.dispatcher, headers: options.headers, signal })
          await res.body.dump()
          return String(res.statusCode)
        })
      } catch {
        // fortio counts socket errors as code -1
      }
      const elapsed = clock.now() - t0
      latencies.record(elapsed)
      maxMs = Math.max(maxMs, elapsed)
      codes[code] = (codes[code] ?? 0) + 1
      if (perWorkerGapMs > elapsed) await cancel.run((signal) => clock.sleep(perWorkerGapMs - elapsed, signal)).catch(() => {})
    }
  }
  try {
    await Promise.all(Array.from({ length: workers }, (_, i) => worker(i)))
  } finally {
    cancel.close()
  }
  const durationMs = clock.now() - started
  const [p50Ms, p75Ms, p90Ms, p99Ms] = latencies.percentiles([50, 75, 90, 99]) as [number, number, number, number]
  const done = Object.values(codes).reduce((a, b) => a + b, 0)
  return { requests: done, codes, durationMs, p50Ms, p75Ms, p90Ms, p99Ms, maxMs, actualQps: done / Math.max(0.001, durationMs / 1000) }
}

/** The lines `fortio load` ends with: code counts with percentages, then latency targets in seconds. */
export function formatLoadResult(r: LoadResult, target: string): string {
  const lines = [`Ended after ${(r.durationMs / 1000).toFixed(3)}s : ${r.requests} calls. qps=${r.actualQps.toFixed(1)}`, `Target: ${target}`]
  for (const [code, n] of Object.entries(r.codes).sort(([a], [b]) => Number(a) - Number(b))) {
    lines.push(`Code ${code} : ${n} (${((n / Math.max(1, r.requests)) * 100).toFixed(1)} %)`)
  }
  for (const [p, v] of [[50, r.p50Ms], [75, r.p75Ms], [90, r.p90Ms], [99, r.p99Ms]] as const) lines.push(`# target ${p}% ${(v / 1000).toFixed(6)}`)
  return lines.join('\n')
}

/** Worker `index`'s share of `total` requests over `workers` connections, as fortio splits -n over -c. */
export const workerShare = (total: number, workers: number, index: number): number => Math.floor(total / workers) + (index < total % workers ? 1 : 0)
