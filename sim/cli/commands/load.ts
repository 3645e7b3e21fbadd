/**
 * `meshdojo load`: fortio-style load. A URL naming a mesh service (http://httpbin:8000/get) runs
 * inside the demo from a meshed client workload; any other URL (the ingress) runs from here.
 */
import { parseArgs } from 'node:util'
import { systemClock } from '../../../mesh/clock.ts'
import { formatLoadResult, runLoad, type LoadResult } from '../../load/load-run.ts'
import type { CliIO } from '../io.ts'
import { UsageError } from '../usage-error.ts'
import { adminRequest, adminUrl, okText } from './admin-client.ts'

export const LOAD_HELP = `Usage: meshdojo load [-c N] [-n N] [--qps N] [-t DURATION] [-H "name: value"] [--admin URL] URL

Sends load like fortio and prints code counts and latency percentiles.
  URL naming a mesh service (http://httpbin:8000/get, http://productpage:9080/productpage): sent from
      a meshed client workload (fortio-v1) inside the running demo, so its sidecar applies the
      DestinationRule's connectionPool limits, as in Istio's circuit-breaking task.
  any other URL (http://127.0.0.1:9080/productpage): sent from this process.
Options (fortio's -qps and -loglevel spellings are accepted too):
  -c N          concurrent connections (default 4)
  -n N          total requests (default: run for -t)
  --qps N       total requests per second, 0 = as fast as possible (default 8)
  -t DURATION   how long to run when -n is not given: 5s, 1m (default 5s)
  -H HEADER     extra request header, repeatable
  --client NAME the meshed client's app name (default fortio)
`

export async function loadCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: fortioSpellings(argv),
    allowPositionals: true,
    options: {
      c: { type: 'string', short: 'c' },
      n: { type: 'string', short: 'n' },
      qps: { type: 'string' },
      t: { type: 'string', short: 't' },
      H: { type: 'string', short: 'H', multiple: true },
      client: { type: 'string' },
      admin: { type: 'string' },
      loglevel: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) return void io.stdout(LOAD_HELP), 0
  const url = positionals[0]
  if (!url || positionals.length > 1) throw new UsageError('give exactly one URL, e.g. meshdojo load -c 3 -n 30 --qps 0 http://httpbin:8000/get')
  const target = parseUrl(url)
  const concurrency = count(values.c, '-c', 4, 1)
  const requests = count(values.n, '-n', 0, 0)
  const qps = count(values.qps, '--qps', 8, 0)
  const durationMs = values.t ? durationOf(values.t) : requests ? undefined : 5_000
  const headers = Object.fromEntries((values.H ?? []).map(headerOf))
  io.stdout(`Starting at ${qps || 'max'} qps with ${concurrency} thread(s) [gomax 2] ${requests ? `for exactly ${requests} calls` : `for ${(durationMs ?? 0) / 1000}s`}`)
  let result: LoadResult
  if (isMeshService(target)) {
    const base = adminUrl(values.admin)
    const res = await adminRequest(base, '/load', {
      method: 'POST',
      contentType: 'application/json',
      body: JSON.stringify({ url: target.href, concurrency, requests, qps, durationMs, headers, client: values.client }),
    })
    result = JSON.parse(await okText(base, res)) as LoadResult
  } else {
    result = await runLoad({ url: target.href, concurrency, requests, qps, durationMs, headers, clock: systemClock() })
  }
  io.stdout(formatLoadResult(result, target.href))
  return 0
}

/** fortio writes `-qps 0` and `-loglevel Warning`; node's parser wants `--qps`. */
const fortioSpellings = (argv: string[]) => argv.map((a) => (a === '-qps' ? '--qps' : a === '-loglevel' ? '--loglevel' : a))

function parseUrl(url: string): URL {
  try {
    const parsed = new URL(url)
    if (parsed.protocol !== 'http:') throw new Error('not http')
    return parsed
  } catch {
    throw new UsageError(`URL must look like http://httpbin:8000/get, got "${url}"`)
  }
}

/** A host without dots that is not localhost is a Kubernetes service name: send it through the mesh. */
const isMeshService = (url: URL) => url.hostname !== 'localhost' && (!url.hostname.includes('.') || url.hostname.endsWith('.svc.cluster.local'))

function count(value: string | undefined, flag: string, fallback: number, min: number): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} must be a whole number ≥ ${min}, got "${value}"`)
  return n
}

function durationOf(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(text)
  if (!m) throw new UsageError(`-t must be a duration like 500ms, 5s or 1m, got "${text}"`)
  return Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 's' ? 1000 : 60_000)
}

function headerOf(text: string): [string, string] {
  const colon = text.indexOf(':')
  if (colon <= 0) throw new UsageError(`-H must be "name: value", got "${text}"`)
  return [text.slice(0, colon).trim().toLowerCase(), text.slice(colon + 1).trim()]
}
