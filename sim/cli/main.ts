/** The `meshdojo` command line: one function per command, usage errors as one line with exit code 2. */
import { MeshError } from '../../mesh/errors.ts'
import { demoCommand, DEMO_HELP } from './commands/demo.ts'
import { analyzeCommand, ANALYZE_HELP, applyCommand, APPLY_HELP, deleteCommand, DELETE_HELP, getCommand, GET_HELP } from './commands/config-commands.ts'
import { loadCommand, LOAD_HELP } from './commands/load.ts'
import { OBSERVABILITY_COMMANDS } from './commands/observability-commands.ts'
import { toxicCommand, TOXIC_HELP } from './commands/toxic.ts'
import { toxiproxyServerCommand, TOXIPROXY_SERVER_HELP } from './commands/toxiproxy-server.ts'
import { exportCommand, EXPORT_HELP } from './commands/export.ts'
import { processIO, type CliIO } from './io.ts'
import { scenarioCommand, SCENARIO_HELP } from '../scenario/scenario-command.ts'
import { workshopCommand, WORKSHOP_HELP } from '../workshop/workshop-command.ts'

export const HELP = `meshdojo: Istio's Bookinfo and a service mesh in one Node process, to learn and demo what a mesh does.

Usage: meshdojo <command> [options]

Commands:
  demo                  start Bookinfo behind sidecars, the ingress, the admin API and some load (npm start)
  apply -f FILE         apply Istio YAML (VirtualService, DestinationRule, Gateway, PeerAuthentication,
                        AuthorizationPolicy) or a meshdojo LocalRateLimit to the running demo
  delete -f FILE        remove config from the running demo (or: delete <kind> <name>)
  get <kind> [name]     show applied config: virtualservices, destinationrules, gateways, peerauthentications,
                        authorizationpolicies, localratelimits, or all (-o yaml|json)
  analyze -f FILE       validate Istio YAML offline, like istioctl analyze
  load URL              fortio-style load; mesh URLs (http://httpbin:8000/get) run from a meshed client
  toxic add|list|…      Toxiproxy toxics on the links between services (toxiproxy-cli style)
  toxiproxy             only the Toxiproxy 2.12-compatible server: a drop-in toxiproxy-server (same flags)
  export k8s            the applied Istio config plus the steps to run the same lesson on a real cluster
  scenario <name|file>  run a lesson headless on its own mesh and check every step (--all, --list, --report FILE)
  workshop [name]       the same lessons, interactive: n next step, c check, h hint, S solve
${OBSERVABILITY_COMMANDS.map((c) => `  ${c.name.padEnd(22)}${c.summary}`).join('\n')}

Run "meshdojo <command> --help" for a command's options.
`

type Command = (argv: string[], io: CliIO) => Promise<number>

const COMMANDS: Readonly<Record<string, { run: Command; help: string }>> = {
  demo: { run: demoCommand, help: DEMO_HELP },
  apply: { run: applyCommand, help: APPLY_HELP },
  delete: { run: deleteCommand, help: DELETE_HELP },
  get: { run: getCommand, help: GET_HELP },
  analyze: { run: analyzeCommand, help: ANALYZE_HELP },
  load: { run: loadCommand, help: LOAD_HELP },
  toxic: { run: toxicCommand, help: TOXIC_HELP },
  toxiproxy: { run: toxiproxyServerCommand, help: TOXIPROXY_SERVER_HELP },
  export: { run: exportCommand, help: EXPORT_HELP },
  scenario: { run: scenarioCommand, help: SCENARIO_HELP },
  workshop: { run: workshopCommand, help: WORKSHOP_HELP },
  ...Object.fromEntries(OBSERVABILITY_COMMANDS.map((c) => [c.name, { run: c.run, help: c.help }])),
}

export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv
  if (!name || name === '-h' || name === '--help' || name === 'help') {
    io.stdout(HELP)
    return 0
  }
  const command = COMMANDS[name]
  if (!command) {
    io.stderr(`meshdojo: unknown command "${name}". Commands: ${Object.keys(COMMANDS).join(', ')}. See meshdojo --help.`)
    return 2
  }
  try {
    return await command.run(rest, io)
  } catch (err) {
    if (err instanceof MeshError) {
      io.stderr(`meshdojo ${name}: ${err.message}`)
      return err.code === 'MESH_USAGE' ? 2 : 1
    }
    if ((err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`meshdojo ${name}: ${(err as Error).message}. See meshdojo ${name} --help.`)
      return 2
    }
    throw err
  }
}

/** Entry point (bin/meshdojo.js): exits with the command's code; a 2 s shutdown overrun forces it. */
export async function main(): Promise<void> {
  const io = processIO()
  const code = await runCli(process.argv.slice(2), io)
  process.exitCode = code
  // Everything is closed by now; the timer only guards against a handle someone forgot.
  setTimeout(() => process.exit(code), 2_000).unref()
}

