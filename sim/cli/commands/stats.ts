/**
 * `meshdojo stats <workload>`: one sidecar's upstream clusters as Envoy's admin shows them, to see
 * retries, overflows, timeouts and ejections from the caller's side.
 */
import { parseArgs } from 'node:util'
import type { CliIO } from '../io.ts'
import { UsageError } from '../usage-error.ts'
import { adminRequest, adminUrl, okText } from './admin-client.ts'

/** Shown by `meshdojo stats --help`. */
export const STATS_HELP = `Usage: meshdojo stats <workload> [options]

Prints one sidecar's upstream clusters, as Envoy's admin /stats and /clusters show them:
  cluster.outbound|9080|v2|reviews.default.svc.cluster.local.upstream_rq_retry: 3
counters (upstream_rq_total, upstream_rq_retry, upstream_rq_retry_overflow, upstream_rq_pending_total,
upstream_rq_pending_overflow, upstream_rq_timeout, upstream_rq_per_try_timeout,
outlier_detection.ejections_enforced_total, outlier_detection.ejections_active, …), then circuit-breaker
thresholds and each host's stats (cx_total, rq_total, rq_error …) and health (healthy or
/failed_outlier_check). -o json gives Envoy's {"stats": […], "cluster_statuses": […]}.

  workload            e.g. productpage-v1, reviews-v2, istio-ingressgateway

Options:
  --admin URL         the running demo's admin API (default $MESHDOJO_ADMIN or http://127.0.0.1:15000)
  -o, --output F      text (default) or json
  -h, --help          this help
`

/** Exit 0; errors throw MeshErrors. */
export async function statsCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { admin: { type: 'string' }, output: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } },
  })
  if (values.help) {
    io.stdout(STATS_HELP)
    return 0
  }
  const [workload, ...extra] = positionals
  if (!workload) throw new UsageError('which workload? e.g. meshdojo stats productpage-v1')
  if (extra.length) throw new UsageError(`one workload at a time, got "${positionals.join(' ')}"`)
  const output = values.output ?? 'text'
  if (output !== 'text' && output !== 'json') throw new UsageError(`-o must be text or json, got "${output}"`)
  const base = adminUrl(values.admin)
  const query = new URLSearchParams({ workload, format: output })
  // The proxy's Envoy /stats (counters), then its /clusters (thresholds, hosts).
  const stats = await okText(base, await adminRequest(base, `/stats?${query}`))
  const clusters = await okText(base, await adminRequest(base, `/clusters?${query}`))
  if (output === 'json') {
    io.stdout(JSON.stringify({ ...(JSON.parse(stats) as object), ...(JSON.parse(clusters) as object) }, null, 2))
    return 0
  }
  io.stdout(`${stats}${clusters}`.trimEnd() || `${workload} has no upstream clusters yet (it has made no calls)`)
  return 0
}
