/**
 * The smallest load driver: N keep-alive connections (one undici Client each) in the harness
 * process, closed loop, optional think time. Needs nothing installed; used by the smoke run, the
 * CI test, and for latency figures when wrk is missing (autocannon only resolves whole ms).
 */
import { Client } from 'undici'
import type { Driver, LoadResult, LoadSpec } from './types.ts'

/** Hard cap on requests per run, whatever the spec says: every loop here is bounded. */
const MAX_REQUESTS = 5_000_000

export function inprocDriver(): Driver {
  return { name: 'inproc', run: runInproc }
}

export async function runInproc(spec: LoadSpec): Promise<LoadResult> {
  const url = new URL(spec.url)
  const path = url.pathname + url.search
  const headers = spec.host ? { host: spec.host } : {}
  const latencies: number[] = []
  let errors = 0
  let non2xx = 0
  let issued = 0
  const limit = Math.min(spec.requests ?? MAX_REQUESTS, MAX_REQUESTS)
  const started = performance.now()
  const deadline = spec.durationS === undefined ? Infinity : started + spec.durationS * 1000
  const more = () => issued < limit && performance.now() < deadline
  const clients = Array.from({ length: spec.connections }, () => new Client(url.origin, { keepAliveTimeout: 10_000, pipelining: 1 }))
  const worker = async (client: Client) => {
    while (more()) {
      issued++
      const t0 = performance.now()
      try {
        const res = await client.request({ method: 'GET', path, headers })
        await res.body.dump()
        latencies.push(performance.now() - t0)
        if (res.statusCode >= 400) non2xx++
      } catch {
        errors++
      }
      if (spec.thinkMs) await new Promise((resolve) => setTimeout(resolve, spec.thinkMs))
    }
  }
  try {
    await Promise.all(clients.map(worker))
  } finally {
    await Promise.all(clients.map((c) => c.close().catch(() => {})))
  }
  const durationS = (performance.now() - started) / 1000
  latencies.sort((a, b) => a - b)
  const at = (q: number) => (latencies.length === 0 ? 0 : latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!)
  return {
    driver: 'inproc',
    requests: latencies.length,
    durationS,
    rps: latencies.length / durationS,
    errors,
    non2xx,
    p50Ms: at(0.5),
    p90Ms: at(0.9),
    p99Ms: at(0.99),
    maxMs: latencies.at(-1) ?? 0,
    resolutionMs: 0.001,
  }
}
