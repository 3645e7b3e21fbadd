/**
 * `meshdojo toxiproxy`: only the Toxiproxy-compatible server, with toxiproxy-server 2.12's flags
 * (read as Go reads them), its JSON log lines and its `-version` line, so other projects can use
 * meshdojo as a drop-in toxiproxy-server in their test suites. Ctrl-C / SIGTERM close it, exit 0.
 */
import { readFileSync } from 'node:fs'
import { isLoopback, bindHost } from '../../../mesh/http/bind-address.ts'
import { freshSeed, randomSource } from '../../../mesh/random.ts'
import { populateFromConfigFile } from '../../../mesh/toxiproxy/config-file.ts'
import { startToxiproxyServer, TOXIPROXY_VERSION, type ToxiproxyServer } from '../../../mesh/toxiproxy/index.ts'
import { joinHostPort } from '../../../mesh/toxiproxy/listen-address.ts'
import { BindError } from '../../../mesh/toxiproxy/listener.ts'
import { serverLog } from '../../../mesh/toxiproxy/server-log.ts'
import { packagePath } from '../../package-root.ts'
import type { CliIO } from '../io.ts'
import { portInUseMessage } from '../port-in-use.ts'
import { portFlag, UsageError } from '../usage-error.ts'
import { parseGoFlags } from './go-flags.ts'

export const TOXIPROXY_SERVER_HELP = `Usage: meshdojo toxiproxy [flags]

Runs only meshdojo's Toxiproxy server: Toxiproxy 2.12.0's REST API and TCP toxics, with
toxiproxy-server's flags, so it can stand in for toxiproxy-server (in a test suite, say).
Logs toxiproxy-server's JSON lines on stdout; LOG_LEVEL=debug|info|warn|error filters them.
Stop it with Ctrl-C.

Flags (-flag or --flag; a value as -flag value or -flag=value):
  -host string        API address (default "localhost": 127.0.0.1, and ::1 when there is IPv6).
                      Any other address makes the API reachable from other machines (a warning says so)
  -port string        API port (default "8474"; 0 = any free port, logged once bound)
  -config string      JSON file of proxies to create at start, in the POST /populate format
  -seed int           seed for toxicity, jitter and slicer draws (default: a fresh one, logged)
  -proxy-metrics      expose toxiproxy_proxy_{received,sent}_bytes_total at /metrics
  -runtime-metrics    expose Node's process_* and nodejs_* metrics at /metrics
  -version            print the version and exit
  -h, -help           this help

Example: meshdojo toxiproxy -port 0 -config toxiproxy.json -proxy-metrics
`

const FLAGS = {
  host: 'string',
  port: 'string',
  config: 'string',
  seed: 'int64',
  'proxy-metrics': 'bool',
  'runtime-metrics': 'bool',
  version: 'bool',
} as const

const HINT = 'See meshdojo toxiproxy --help.'

export async function toxiproxyServerCommand(argv: string[], io: CliIO): Promise<number> {
  const flags = (() => {
    try {
      return parseGoFlags(argv, FLAGS)
    } catch (error) {
      throw error instanceof UsageError ? new UsageError(`${error.message}. ${HINT}`) : error
    }
  })()
  if (flags.help) return void io.stdout(TOXIPROXY_SERVER_HELP), 0
  // toxiproxy-server ignores what follows its flags, flags included; saying so beats ignoring them.
  if (flags.rest.length > 0) throw new UsageError(`unexpected argument "${flags.rest[0]}": only flags are taken, and parsing stops at the first non-flag. ${HINT}`)
  const v = flags.values
  if (v.version) return void io.stdout(`toxiproxy-server version ${TOXIPROXY_VERSION} (meshdojo ${meshdojoVersion()}, a TypeScript Toxiproxy-compatible server)`), 0

  const host = bindHost(v.host ?? 'localhost', { allowRemote: true, flag: '-host' })
  const port = portFlag(v.port, '-port', 8474)
  const seed = v.seed ?? BigInt(freshSeed())
  const log = serverLog(io.stdout, process.env.LOG_LEVEL)
  log.info('Starting Toxiproxy', { version: TOXIPROXY_VERSION, seed: Number.isSafeInteger(Number(seed)) ? Number(seed) : String(seed) })

  let server: ToxiproxyServer
  try {
    server = await startToxiproxyServer({
      host,
      allowRemote: !isLoopback(host),
      port,
      random: randomSource(seed32(seed)).stream('toxiproxy'),
      metrics: { proxy: v['proxy-metrics'] ?? false, runtime: v['runtime-metrics'] ?? false },
      setup: v.config === undefined ? undefined : (store) => populateFromConfigFile(store, v.config!, log),
    })
  } catch (error) {
    const inUse = portInUseMessage(error, { port, flag: '-port' })
    if (inUse) throw inUse
    if (error instanceof BindError) throw new UsageError(`-host ${host}: ${error.message}`)
    throw error
  }
  // toxiproxy-server logs the address it was given; with port 0 the bound port is the useful part.
  const address = joinHostPort(host.replace(/^\[(.*)\]$/, '$1'), server.port)
  log.info('Starting Toxiproxy HTTP server', { address })
  if (!isLoopback(host)) {
    log.warn('The Toxiproxy API is reachable from other machines: anyone who can connect can create proxies and break links. Use -host localhost to keep it local', { address })
  }
  try {
    await io.interrupted
    log.info('Shutdown started')
  } finally {
    await server.close()
  }
  return 0
}

/** Go's int64 seed folded into the 32 bits meshdojo's generator takes. */
const seed32 = (seed: bigint): number => Number(BigInt.asUintN(32, seed ^ (seed >> 32n)))

function meshdojoVersion(): string {
  try {
    return (JSON.parse(readFileSync(packagePath(import.meta.url, 'package.json'), 'utf8')) as { version: string }).version
  } catch {
    return 'unknown version'
  }
}
