/** `meshdojo edges`: effective vs actual success and RPS per caller → callee, from the live `/stats` windows. */
import { parseArgs } from 'node:util'
import type { StatsSnapshot } from '../../../mesh/telemetry/stats.ts'
import type { CliIO } from '../io.ts'
import { UsageError } from '../usage-error.ts'
import { adminRequest, adminUrl, okText } from './admin-client.ts'
import { edgeRows, formatEdgeRows } from './edges-view.ts'

/** Shown by `meshdojo edges --help`. */
export const EDGES_HELP = `Usage: meshdojo edges [options]

Per edge (caller → callee), like "linkerd viz routes -o wide":
  EFFECTIVE_SUCCESS EFFECTIVE_RPS  what the caller saw, after its sidecar's retries
  ACTUAL_SUCCESS    ACTUAL_RPS     what the callee's sidecar saw: every try
Retries show as ACTUAL_RPS above EFFECTIVE_RPS; failures retries hid, as ACTUAL_SUCCESS below EFFECTIVE_SUCCESS.

Options:
  -t, --window W      time window: 10s (default), 1m, … up to 120s
  --from WORKLOAD     only edges from this workload
  --to NAME           only edges to this workload or service
  -o, --output F      wide (default) or json
  --admin URL         the running demo's admin API (default $MESHDOJO_ADMIN or http://127.0.0.1:15000)
  -h, --help          this help
`

/** Exit 0; usage errors and an unreachable admin API throw MeshErrors. */
export async function edgesCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      window: { type: 'string', short: 't' },
      from: { type: 'string' },
      to: { type: 'string' },
      output: { type: 'string', short: 'o' },
      admin: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    io.stdout(EDGES_HELP)
    return 0
  }
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`)
  const output = values.output ?? 'wide'
  if (output !== 'wide' && output !== 'json') throw new UsageError(`-o must be wide or json, got "${output}"`)
  const seconds = windowSeconds(values.window)
  const base = adminUrl(values.admin)
  const snapshot = JSON.parse(await okText(base, await adminRequest(base, `/stats?window=${seconds}`))) as StatsSnapshot
  const rows = edgeRows(snapshot, { from: values.from, to: values.to })
  if (output === 'json') io.stdout(JSON.stringify({ windowSeconds: snapshot.windowSeconds, edges: rows }, null, 2))
  else io.stdout(rows.length ? formatEdgeRows(rows) : `no traffic in the last ${seconds}s`)
  return 0
}

/** `10s`, `1m`, `30` (seconds) → seconds, 1–120 (what the windows keep). */
function windowSeconds(raw: string | undefined): number {
  if (raw === undefined) return 10
  const m = /^(\d+)(s|m)?$/.exec(raw)
  const seconds = m ? Number(m[1]) * (m[2] === 'm' ? 60 : 1) : NaN
  if (!(seconds >= 1 && seconds <= 120)) throw new UsageError(`--window must be 1s to 120s (e.g. 10s, 1m), got "${raw}"`)
  return seconds
}
