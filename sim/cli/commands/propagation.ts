/**
 * `meshdojo propagation <workload> on|off`: makes a workload's app stop (or resume) forwarding trace
 * headers. Its downstream calls then start new traces: the broken-trace lesson in one command.
 */
import { parseArgs } from 'node:util'
import type { CliIO } from '../io.ts'
import { UsageError } from '../usage-error.ts'
import { adminRequest, adminUrl, okText } from './admin-client.ts'

/** Shown by `meshdojo propagation --help`. */
export const PROPAGATION_HELP = `Usage: meshdojo propagation <workload> on|off [options]

"off" makes the workload's app forget to forward trace headers (traceparent, x-b3-*), as an app
without Istio's header-propagation code would: the calls it makes start new traces, and
"meshdojo traces" shows the tree broken at that workload. "on" restores it.

Options:
  --admin URL         the running demo's admin API (default $MESHDOJO_ADMIN or http://127.0.0.1:15000)
  -h, --help          this help
`

/** Exit 0; errors throw MeshErrors. */
export async function propagationCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { admin: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  })
  if (values.help) {
    io.stdout(PROPAGATION_HELP)
    return 0
  }
  const [workload, state, ...extra] = positionals
  if (!workload || (state !== 'on' && state !== 'off') || extra.length) {
    throw new UsageError(`expected <workload> on|off, e.g. meshdojo propagation reviews-v2 off; got "${positionals.join(' ')}"`)
  }
  const base = adminUrl(values.admin)
  await okText(base, await adminRequest(base, `/workloads/${encodeURIComponent(workload)}/trace-propagation?on=${state === 'on'}`, { method: 'POST' }))
  io.stdout(state === 'on' ? `${workload} forwards trace headers again` : `${workload} no longer forwards trace headers: its calls start new traces`)
  return 0
}
