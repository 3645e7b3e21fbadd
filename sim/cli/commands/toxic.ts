/**
 * `meshdojo toxic …`: toxiproxy-cli-style commands against the demo's embedded Toxiproxy (or any
 * Toxiproxy): `--toxiproxy URL`, else $TOXIPROXY_URL, else http://127.0.0.1:8474.
 */
import { runToxicCommand, TOXIC_USAGE } from '../../../mesh/toxiproxy/index.ts'
import type { CliIO } from '../io.ts'
import { UsageError } from '../usage-error.ts'

export const DEFAULT_TOXIPROXY_URL = 'http://127.0.0.1:8474'

export const TOXIC_HELP = `${TOXIC_USAGE}
The links between Bookinfo's services are proxies named after the destination workload:
details-v1, reviews-v1, reviews-v2, reviews-v3, ratings-v1, productpage-v1 (and httpbin-v1/v2).
Options: --toxiproxy URL (default $TOXIPROXY_URL, then ${DEFAULT_TOXIPROXY_URL})
`

export async function toxicCommand(argv: string[], io: CliIO): Promise<number> {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) return void io.stdout(TOXIC_HELP), 0
  const args = [...argv]
  const at = args.indexOf('--toxiproxy')
  let url = process.env.TOXIPROXY_URL ?? DEFAULT_TOXIPROXY_URL
  if (at >= 0) {
    const value = args[at + 1]
    if (!value || !/^https?:\/\//.test(value)) throw new UsageError(`--toxiproxy needs a URL like ${DEFAULT_TOXIPROXY_URL}`)
    url = value
    args.splice(at, 2)
  }
  return runToxicCommand(args, { url: url.replace(/\/+$/, ''), stdout: io.stdout, stderr: io.stderr })
}
