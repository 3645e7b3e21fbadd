/**
 * `meshdojo traces`: the latest traces as readable trees, or `--export FILE` as OTLP/JSON (Jaeger UI
 * ≥ 1.55 loads it: Search → JSON File), Jaeger JSON (any Jaeger UI) or Zipkin v2 JSON.
 */
import { writeFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { isTraceFormat, TRACE_FORMATS } from '../../../mesh/telemetry/trace-export.ts'
import type { CliIO } from '../io.ts'
import { intFlag, UsageError } from '../usage-error.ts'
import { adminRequest, adminUrl, okText } from './admin-client.ts'

/** Shown by `meshdojo traces --help`. */
export const TRACES_HELP = `Usage: meshdojo traces [options]

Without --export, prints the latest traces as trees, one line per hop with the caller's duration:
  istio-ingressgateway → productpage-v1  GET /productpage  200  23.4ms
  ├─ productpage-v1 → details-v1  GET /details/0  200  2.1ms
  └─ productpage-v1 → reviews-v2  GET /reviews/0  200  9.8ms
     └─ reviews-v2 → ratings-v1  GET /ratings/0  200  1.9ms

Options:
  --export FILE       write the traces to FILE ("-" = stdout) instead
  --format F          otlp (default; Jaeger UI ≥ 1.55, any OpenTelemetry collector), jaeger, zipkin
  --limit N           the latest N traces (default 5 as trees, 1000 = all kept for --export)
  --trace-id ID       just this trace
  --admin URL         the running demo's admin API (default $MESHDOJO_ADMIN or http://127.0.0.1:15000)
  -h, --help          this help
`

/** Exit 0; errors throw MeshErrors. */
export async function tracesCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      export: { type: 'string' },
      format: { type: 'string' },
      limit: { type: 'string' },
      'trace-id': { type: 'string' },
      admin: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    io.stdout(TRACES_HELP)
    return 0
  }
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`)
  const format = values.format ?? 'otlp'
  if (!isTraceFormat(format)) throw new UsageError(`--format must be one of ${TRACE_FORMATS.join(', ')}, got "${format}"`)
  if (values.format !== undefined && values.export === undefined) throw new UsageError('--format applies to --export FILE; without it traces print as trees')
  const limit = intFlag(values.limit, '--limit', values.export === undefined ? 5 : 1000, 1)
  const base = adminUrl(values.admin)
  const query = new URLSearchParams({ format: values.export === undefined ? 'tree' : format, limit: String(Math.floor(limit)) })
  if (values['trace-id']) query.set('traceId', values['trace-id'])
  const res = await adminRequest(base, `/traces?${query}`)
  const text = await okText(base, res)
  const count = Number(res.headers['x-meshdojo-traces'] ?? 0)
  if (values.export === undefined) {
    io.stdout(count ? text.trimEnd() : 'no traces yet: load a page (curl the ingress) and try again')
    return 0
  }
  if (values.export === '-') {
    io.stdout(text)
    return 0
  }
  await writeFile(values.export, text)
  const load = format === 'zipkin' ? 'Zipkin UI: upload JSON, or POST it to /api/v2/spans' : 'Jaeger UI: Search → JSON File'
  io.stdout(`wrote ${count} traces (${res.headers['x-meshdojo-spans'] ?? 0} spans) to ${values.export} as ${format}; load it in the ${load}`)
  return 0
}
