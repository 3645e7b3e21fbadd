/**
 * `meshdojo logs [workload] [-f]`: the sidecars' access logs (Istio's TEXT format, or JSON), like
 * `kubectl logs <pod> -c istio-proxy`. Without a workload every sidecar's lines are shown, each
 * prefixed with whose it is: `[reviews-v2 outbound] [2026-…] "GET /ratings/0 HTTP/1.1" 200 …`.
 */
import { parseArgs } from 'node:util'
import type { CliIO } from '../io.ts'
import { intFlag, UsageError } from '../usage-error.ts'
import { adminError, adminRequest, adminUrl, okText } from './admin-client.ts'

/** Shown by `meshdojo logs --help`. */
export const LOGS_HELP = `Usage: meshdojo logs [workload] [options]

Prints access-log lines of the running demo's sidecars in Envoy/Istio's TEXT format:
  [START_TIME] "METHOD PATH PROTOCOL" CODE FLAGS DETAILS - "-" BYTES_IN BYTES_OUT DURATION
  UPSTREAM_SERVICE_TIME "X-FORWARDED-FOR" "USER-AGENT" "REQUEST-ID" "AUTHORITY" "UPSTREAM_HOST"
  UPSTREAM_CLUSTER - - - - ROUTE_NAME
A workload's sidecar logs both directions (inbound|… and outbound|… clusters). With no workload,
every sidecar's lines are shown, prefixed [workload direction].

Options:
  -f, --follow        keep printing new lines until Ctrl-C
  --tail N            start with the last N lines kept (default: all kept, up to 2000)
  -o, --output F      text (default) or json (Istio's JSON keys, one object per line)
  --admin URL         the running demo's admin API (default $MESHDOJO_ADMIN or http://127.0.0.1:15000)
  -h, --help          this help
`

/** Exit 0 (also when Ctrl-C ends a follow); errors throw MeshErrors. */
export async function logsCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      follow: { type: 'boolean', short: 'f' },
      tail: { type: 'string' },
      output: { type: 'string', short: 'o' },
      admin: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    io.stdout(LOGS_HELP)
    return 0
  }
  if (positionals.length > 1) throw new UsageError(`one workload at a time, got "${positionals.join(' ')}"`)
  const output = values.output ?? 'text'
  if (output !== 'text' && output !== 'json') throw new UsageError(`-o must be text or json, got "${output}"`)
  const base = adminUrl(values.admin)
  const query = new URLSearchParams({ format: output })
  if (positionals[0]) query.set('workload', positionals[0])
  if (values.tail !== undefined) query.set('tail', String(intFlag(values.tail, '--tail', 0)))
  if (!values.follow) {
    const text = await okText(base, await adminRequest(base, `/logs?${query}`))
    if (text) io.stdout(text.trimEnd())
    return 0
  }
  query.set('follow', '1')
  const stop = new AbortController()
  void io.interrupted.then(() => stop.abort())
  const res = await adminRequest(base, `/logs?${query}`, { signal: stop.signal })
  if (res.status !== 200) throw adminError(base, res.status, await res.body.text())
  let pending = ''
  try {
    for await (const chunk of res.body) {
      pending += chunk.toString('utf8')
      let nl: number
      while ((nl = pending.indexOf('\n')) >= 0) {
        io.stdout(pending.slice(0, nl))
        pending = pending.slice(nl + 1)
      }
    }
  } catch (err) {
    if (!stop.signal.aborted) throw err // Ctrl-C ends a follow normally
  }
  return 0
}
