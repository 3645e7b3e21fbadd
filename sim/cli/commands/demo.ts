/**
 * `meshdojo demo` (= `npm start`): Bookinfo behind sidecars, the ingress gateway, the admin API and
 * a background load; then a live view until Ctrl-C, when everything is closed and the exit code is 0.
 */
import { parseArgs } from 'node:util'
import { freshSeed } from '../../../mesh/random.ts'
import { startMesh, type Mesh } from '../../mesh/start-mesh.ts'
import type { LoadUser } from '../../load/background-load.ts'
import { plainReport } from '../../dashboard/plain-report.ts'
import { runDashboard, wantsDashboard } from '../../dashboard/run-dashboard.ts'
import { workloadInfos } from '../../mesh/workload-infos.ts'
import type { CliIO } from '../io.ts'
import { intFlag, portFlag, UsageError } from '../usage-error.ts'
import { portInUseMessage } from '../port-in-use.ts'
import { ACCESS_LOG_FORMATS, type AccessLogFormat } from '../../../mesh/telemetry/access-log-format.ts'
import { AccessLogError, serveMesh, type ServedMesh } from '../../mesh/serve-mesh.ts'
import { bindHost } from '../../../mesh/http/bind-address.ts'
import { ConfigRejectedError } from '../../../mesh/control/index.ts'
import { formatFileDiagnostic, parseFailure } from '../../scenario/file-diagnostics.ts'
import { MeshError } from '../../../mesh/errors.ts'

/** An external Toxiproxy that cannot be reached or refuses the links. */
function toxiproxyError(err: unknown, url: string | undefined): MeshError | undefined {
  if (!url || (err as Error)?.name !== 'ToxiproxyError') return undefined
  return new MeshError('MESH_ADMIN_UNREACHABLE', `--toxiproxy-url ${url}: ${(err as Error).message}`)
}

/**
 * A --config file that cannot be read or does not validate: its errors, one per line, naming the file,
 * the line or field, never what the file holds (the user may have named a file with secrets by mistake).
 */
function configFileError(err: unknown, files: readonly string[]): MeshError | undefined {
  if (err instanceof ConfigRejectedError) return new MeshError('MESH_CONFIG_INVALID', `--config rejected, nothing started:\n${err.errors.map(formatFileDiagnostic).join('\n')}`)
  const errno = err as NodeJS.ErrnoException
  if (errno?.code === 'ENOENT') return new UsageError(`--config: no such file ${errno.path}`)
  if (typeof errno?.code === 'string' && typeof errno.path === 'string' && errno.syscall !== undefined) return new UsageError(`--config: cannot read ${errno.path} (${errno.code})`)
  // yaml throws for an alias without its anchor, quoting the alias: which file is not known here.
  if (files.length > 0 && err instanceof ReferenceError && err.message.startsWith('Unresolved alias')) {
    return new MeshError('MESH_CONFIG_INVALID', `--config rejected, nothing started:\n${parseFailure(err)} (in ${files.join(', ')})`)
  }
  return undefined
}

export const DEMO_HELP = `Usage: meshdojo demo [options]

Starts Istio's Bookinfo (productpage, details, reviews v1/v2/v3, ratings), each behind a sidecar,
an ingress gateway, the admin API and a little background traffic. Stop it with Ctrl-C.

Options:
  --port N            ingress gateway port (default 9080; 0 = any free port)
  --admin-port N      admin API port (default 15000)
  --toxiproxy-port N  the embedded Toxiproxy API's port (default 8474)
  --toxiproxy-url URL use an external Toxiproxy instead; the links between services are created there
  --seed N            seed for every random draw (default: a fresh one, printed)
  --rps N             background page loads per second (default 2)
  --user U            who the background load logs in as: anonymous, jason or mixed (default mixed)
  --no-load           no background traffic
  --with httpbin      also run httpbin v1 and v2 (circuit-breaking and mirroring tasks)
  --with ext-authz    also run Istio's sample ext-authz server (External Authorization task; repeatable --with)
  --config FILE       apply Istio YAML at start (repeatable); an invalid file stops the start
  --access-log FILE   also write every sidecar's access log to FILE (rotated at 10 MB, FILE.1 kept)
  --access-log-format F  text (Istio's TEXT format, default) or json
  --ca-dir DIR        mesh root CA: load ca-cert.pem + ca-key.pem from DIR, or create them there
  --no-auto-mtls      plain text unless a DestinationRule says ISTIO_MUTUAL (Istio's enableAutoMtls: false)
  --admin-host ADDR   admin API address (default 127.0.0.1)
  --toxiproxy-host ADDR  embedded Toxiproxy API address (default 127.0.0.1)
  --allow-remote      allow a non-loopback --admin-host / --toxiproxy-host (both APIs can change the mesh)
  --plain             print a stats table every few seconds instead of the dashboard
  -h, --help          this help
`

const USERS: readonly LoadUser[] = ['anonymous', 'jason', 'mixed']
/** Workloads `--with` adds to Bookinfo. */
const WITH: readonly string[] = ['httpbin', 'ext-authz']

export async function demoCommand(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      'admin-port': { type: 'string' },
      'toxiproxy-port': { type: 'string' },
      'toxiproxy-url': { type: 'string' },
      seed: { type: 'string' },
      rps: { type: 'string' },
      user: { type: 'string' },
      'no-load': { type: 'boolean' },
      with: { type: 'string', multiple: true },
      config: { type: 'string', multiple: true },
      'access-log': { type: 'string' },
      'access-log-format': { type: 'string' },
      'ca-dir': { type: 'string' },
      'no-auto-mtls': { type: 'boolean' },
      'admin-host': { type: 'string' },
      'toxiproxy-host': { type: 'string' },
      'allow-remote': { type: 'boolean' },
      plain: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    io.stdout(DEMO_HELP)
    return 0
  }
  const ingressPort = portFlag(values.port, '--port', 9080)
  const adminPort = portFlag(values['admin-port'], '--admin-port', 15000)
  const toxiproxyPort = portFlag(values['toxiproxy-port'], '--toxiproxy-port', 8474)
  const toxiproxyUrl = values['toxiproxy-url']
  if (toxiproxyUrl !== undefined && !/^http:\/\/[^/]+\/?$/.test(toxiproxyUrl)) throw new UsageError(`--toxiproxy-url must look like http://127.0.0.1:8474, got "${toxiproxyUrl}"`)
  const seed = intFlag(values.seed, '--seed', freshSeed())
  const rps = intFlag(values.rps, '--rps', 2)
  const user = (values.user ?? 'mixed') as LoadUser
  if (!USERS.includes(user)) throw new UsageError(`--user must be one of ${USERS.join(', ')}, got "${values.user}"`)
  const accessLogFormat = (values['access-log-format'] ?? 'text') as AccessLogFormat
  if (!ACCESS_LOG_FORMATS.includes(accessLogFormat)) throw new UsageError(`--access-log-format must be text or json, got "${values['access-log-format']}"`)
  for (const extra of values.with ?? []) if (!WITH.includes(extra)) throw new UsageError(`--with knows only ${WITH.map((w) => `"${w}"`).join(' and ')}, got "${extra}"`)
  // Refused before anything listens: both APIs can reconfigure the mesh.
  const allowRemote = values['allow-remote'] ?? false
  const adminHost = bindHost(values['admin-host'], { allowRemote, flag: '--admin-host' })
  const toxiproxyHost = bindHost(values['toxiproxy-host'], { allowRemote, flag: '--toxiproxy-host' })

  let mesh: Mesh | undefined
  let served: ServedMesh | undefined
  const stopTimers: Array<() => void> = []
  try {
    mesh = await startMesh({
      seed,
      ingressPort,
      withHttpbin: values.with?.includes('httpbin'),
      withExtAuthz: values.with?.includes('ext-authz'),
      configFiles: values.config,
      toxiproxy: toxiproxyUrl ? { url: toxiproxyUrl.replace(/\/$/, '') } : { port: toxiproxyPort, host: toxiproxyHost, allowRemote },
      security: { caDir: values['ca-dir'], autoMtls: !values['no-auto-mtls'] },
    }).catch((err) => {
      const ports = [{ port: ingressPort, flag: '--port' }, { port: toxiproxyPort, flag: '--toxiproxy-port' }]
      throw portInUseMessage(err, ...ports) ?? configFileError(err, values.config ?? []) ?? toxiproxyError(err, toxiproxyUrl) ?? err
    })
    served = await serveMesh(mesh, {
      adminPort,
      adminHost,
      allowRemote,
      rps: values['no-load'] ? 0 : rps,
      user,
      accessLogFile: values['access-log'],
      accessLogFormat,
    }).catch((err) => {
      if (err instanceof AccessLogError) throw new UsageError(`--access-log: ${err.message}`)
      throw portInUseMessage(err, { port: adminPort, flag: '--admin-port' }) ?? err
    })
    const { admin, load, observability } = served
    io.stdout(
      `meshdojo ready: Bookinfo at ${mesh.ingressUrl}/productpage · admin ${admin.url} · toxiproxy ${mesh.links?.url ?? 'off'} · seed ${seed}` +
        ` · load ${load ? `${rps} rps (${user})` : 'off'} · Ctrl-C to stop`,
    )
    const m = mesh
    if (wantsDashboard(io.isTTY, values.plain)) {
      // The terminal dashboard until q / Ctrl-C; stopTimers gives the terminal back before the mesh shuts down.
      const dashboard = runDashboard({ mesh: m, adminUrl: admin.url, load, logs: observability.logs })
      stopTimers.push(() => void dashboard.close())
      await Promise.race([io.interrupted, dashboard.closed])
    } else {
      stopTimers.push(m.clock.every(5_000, () => io.stdout(`\n${plainReport(workloadInfos(m), m.stats.snapshot(10), m.config.snapshot())}`)))
      await io.interrupted
    }
    return 0
  } finally {
    for (const stop of stopTimers) stop()
    await served?.close()
    await mesh?.close()
  }
}
