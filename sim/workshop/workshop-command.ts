/**
 * `meshdojo workshop [name]`: a scenario as an interactive lesson on the demo's ports, so the
 * learner can use the browser, `meshdojo apply`, `meshdojo toxic` and the keys side by side.
 * Without a name it lists the lessons and asks which one.
 */
import { parseArgs } from 'node:util'
import type { Readable } from 'node:stream'
import type { CliIO } from '../cli/io.ts'
import { intFlag, portFlag, UsageError } from '../cli/usage-error.ts'
import { portInUseMessage } from '../cli/port-in-use.ts'
import type { LoadUser } from '../load/background-load.ts'
import { catalog, resolveScenarioFile } from '../scenario/catalog.ts'
import { scenarioLoader } from '../scenario/load-scenario.ts'
import type { Scenario } from '../scenario/types.ts'
import { runDashboard, wantsDashboard } from '../dashboard/run-dashboard.ts'
import { startWorkshop, type Workshop } from './start-workshop.ts'
import { runTextMode, type TextModeOptions } from './text-mode.ts'

export const WORKSHOP_HELP = `Usage: meshdojo workshop [name|file.yaml] [options]

Plays a scenario as an interactive lesson: Bookinfo on the usual ports with some background load,
the admin API (so "meshdojo apply -f …" and "meshdojo toxic …" work against it), and the lesson:

  n  next step (runs its actions and shows its text)    c  check now (sends the step's traffic)
  h  next hint                                           S  solve the step for me
  ?  keys                                                q  quit

Without a name, lists the lessons and asks which one to start. See docs/workshop.md.

Options:
  --port N            ingress gateway port (default 9080; 0 = any free port)
  --admin-port N      admin API port (default 15000)
  --toxiproxy-port N  embedded Toxiproxy API port (default 8474)
  --rps N             background page loads per second (default 2)
  --user U            who the background load logs in as: anonymous, jason or mixed (default mixed)
  --no-load           no background traffic
  --plain             the lesson as plain text with the same keys, instead of the dashboard
                      (also when stdout is not a terminal, or CI is set)
  -h, --help          this help
`

const USERS: readonly LoadUser[] = ['anonymous', 'jason', 'mixed']

export function workshopCommand(argv: string[], io: CliIO): Promise<number> {
  return runWorkshop(argv, io, process.stdin)
}

/** The command with its input injected (tests drive it with a stream of keys). */
export async function runWorkshop(argv: string[], io: CliIO, input: TextModeOptions['input']): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      'admin-port': { type: 'string' },
      'toxiproxy-port': { type: 'string' },
      rps: { type: 'string' },
      user: { type: 'string' },
      'no-load': { type: 'boolean' },
      plain: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    io.stdout(WORKSHOP_HELP)
    return 0
  }
  if (positionals.length > 1) throw new UsageError('expected at most one lesson name, e.g. meshdojo workshop fault-injection')
  const ingressPort = portFlag(values.port, '--port', 9080)
  const adminPort = portFlag(values['admin-port'], '--admin-port', 15000)
  const toxiproxyPort = portFlag(values['toxiproxy-port'], '--toxiproxy-port', 8474)
  const rps = values['no-load'] ? 0 : intFlag(values.rps, '--rps', 2)
  const user = (values.user ?? 'mixed') as LoadUser
  if (!USERS.includes(user)) throw new UsageError(`--user must be one of ${USERS.join(', ')}, got "${values.user}"`)

  const loader = scenarioLoader()
  const lessons = positionals[0] ? [] : catalog(loader).flatMap((e) => (e.scenario ? [e.scenario] : []))
  const scenario = positionals[0] ? loader.load(resolveScenarioFile(positionals[0])) : await pickLesson(lessons, io, input)
  if (!scenario) return 0
  const dashboard = wantsDashboard(io.isTTY, values.plain)
  // On the dashboard the lesson panel shows what ran; in text mode each action gets a line.
  const onLog = dashboard ? undefined : (line: string) => io.stdout(`  · ${line}`)
  const workshop = await startWorkshop(scenario, { ingressPort, adminPort, toxiproxyPort, rps, user, onLog }).catch((err) => {
    throw portInUseMessage(err, { port: ingressPort, flag: '--port' }, { port: adminPort, flag: '--admin-port' }, { port: toxiproxyPort, flag: '--toxiproxy-port' }) ?? err
  })
  try {
    const { mesh } = workshop.session
    io.stdout(
      `meshdojo workshop: ${scenario.name} · Bookinfo at ${mesh.ingressUrl}/productpage · admin ${workshop.admin.url} · toxiproxy ${mesh.links?.url ?? 'off'}` +
        ` · load ${workshop.load ? `${rps} rps (${user})` : 'off'} · seed ${scenario.seed}`,
    )
    const toxiproxyMoved = mesh.links !== undefined && !mesh.links.url.endsWith(':8474')
    if (workshop.admin.port !== 15000) io.stdout(`(not the default ports: meshdojo apply/get/logs need --admin ${workshop.admin.url})`)
    if (toxiproxyMoved) io.stdout(`(not the default ports: meshdojo toxic needs --toxiproxy ${mesh.links!.url})`)
    if (dashboard) await showDashboard(workshop, io)
    else await runTextMode(workshop.lesson, { input, write: io.stdout, interrupted: io.interrupted })
    return 0
  } finally {
    await workshop.close()
  }
}

/** The dashboard with the lesson panel, until the learner quits or Ctrl-C. */
async function showDashboard(workshop: Workshop, io: CliIO): Promise<void> {
  const dashboard = runDashboard({ mesh: workshop.session.mesh, adminUrl: workshop.admin.url, load: workshop.load, logs: workshop.observability.logs, lesson: workshop.lesson })
  try {
    await Promise.race([dashboard.closed, io.interrupted])
  } finally {
    await dashboard.close()
  }
}

/** Lists the lessons and reads a number (Enter or end of input: the first). Undefined on `q`. */
async function pickLesson(lessons: readonly Scenario[], io: CliIO, input: Readable): Promise<Scenario | undefined> {
  io.stdout(['Lessons:', ...lessons.map((s, i) => `  ${String(i + 1).padStart(2)}. ${s.name.padEnd(20)} ${s.title}`)].join('\n'))
  for (;;) {
    io.stdout(`Pick a lesson [1-${lessons.length}] (Enter: 1, q: quit):`)
    const line = (await readLine(input))?.trim()
    if (line === undefined || line === '') return lessons[0]
    if (line === 'q') return undefined
    const byName = lessons.find((s) => s.name === line)
    const n = Number(line)
    const chosen = byName ?? (Number.isInteger(n) ? lessons[n - 1] : undefined)
    if (chosen) return chosen
    io.stdout(`"${line}" is not a lesson number or name.`)
  }
}

/** One line from `input`; what follows it is pushed back for the key reader. Undefined at end of input. */
function readLine(input: Readable): Promise<string | undefined> {
  return new Promise((resolve) => {
    let text = ''
    const onData = (chunk: Buffer | string) => {
      text += chunk.toString()
      const nl = text.indexOf('\n')
      if (nl < 0) return
      cleanup()
      const rest = text.slice(nl + 1)
      if (rest) input.unshift(Buffer.from(rest))
      resolve(text.slice(0, nl))
    }
    const onEnd = () => {
      cleanup()
      resolve(text === '' ? undefined : text)
    }
    const cleanup = () => {
      input.off('data', onData)
      input.off('end', onEnd)
      input.pause()
    }
    input.on('data', onData)
    input.once('end', onEnd)
    input.resume()
  })
}
