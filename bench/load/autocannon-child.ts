/**
 * autocannon in its own process (so it gets its own core, like wrk): takes a LoadSpec as JSON in
 * argv, prints `BENCH_AC {json}` with the raw figures. Used when wrk is not installed.
 */
import autocannon from 'autocannon'
import type { LoadSpec } from './types.ts'

const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec
// The harness reads our CPU from here on: module loading is not load generation.
process.stdout.write('BENCH_AC_START\n')
const result = await autocannon({
  url: spec.url,
  connections: spec.connections,
  duration: spec.durationS ?? 5,
  ...(spec.requests ? { amount: spec.requests } : {}),
  headers: spec.host ? { host: spec.host } : {},
  // Think time as a per-connection rate; autocannon corrects latencies for coordinated omission.
  ...(spec.thinkMs ? { connectionRate: Math.max(1, Math.round(1000 / spec.thinkMs)) } : {}),
  timeout: 10,
})
const l = result.latency
process.stdout.write(
  `BENCH_AC ${JSON.stringify({
    requests: result.requests.total,
    durationS: result.duration,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    p50: l.p50,
    p90: l.p90,
    p99: l.p99,
    max: l.max,
  })}\n`,
)
