/**
 * `meshdojo scenario <name|file> [--report FILE]`, `--all`, `--list`: runs a lesson (or every lesson) headless
 * on its own mesh (ephemeral ports), printing each step and check; exit 0 only if every check passed.
 */
import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import type { CliIO } from '../cli/io.ts'
import { UsageError } from '../cli/usage-error.ts'
import { catalog, listScenarios, resolveScenarioFile, SCENARIOS_DIR } from './catalog.ts'
import { scenarioLoader } from './load-scenario.ts'
import { actionLine, reportJson, reportMarkdown, scenarioHeading, stepHeading, stepLines, summaryLine } from './report-format.ts'
import { allReportJson, allReportMarkdown, runAllScenarios } from './run-all.ts'
import { runScenario } from './run-scenario.ts'

export const SCENARIO_HELP = `Usage: meshdojo scenario <name|file.yaml> [--report FILE]
       meshdojo scenario --all [--dir DIR] [--report FILE]
       meshdojo scenario --list [--dir DIR]

Runs a lesson headless: starts its own Bookinfo mesh (ephemeral ports, its own embedded Toxiproxy),
runs each step's actions and solution, sends the step's traffic and checks what it observed.
Prints every check with what was observed and what was expected; exits 0 only if all pass.

Options:
  --list          the shipped scenarios with their titles, in lesson order
  --all           run every lesson in lesson order, each on its own mesh: one line per lesson,
                  its failed checks, and a total; exits 0 only if every lesson passes
  --dir DIR       the lessons of DIR (your own *.yaml lessons) instead of the shipped ones
  --report FILE   also write the results to FILE: .json or .md (Markdown); with --all,
                  every lesson's report in one file
  -h, --help      this help

Writing your own: docs/scenarios.md. Interactive: meshdojo workshop [name].
`

export async function scenarioCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { list: { type: 'boolean' }, all: { type: 'boolean' }, dir: { type: 'string' }, report: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  })
  if (values.help) {
    io.stdout(SCENARIO_HELP)
    return 0
  }
  const loader = scenarioLoader()
  const dir = values.dir ?? SCENARIOS_DIR
  if (values.dir !== undefined && !existsSync(dir)) throw new UsageError(`--dir: no folder "${values.dir}"`)
  const report = values.report
  if (report !== undefined && !/\.(json|md)$/.test(report)) throw new UsageError(`--report must end in .json or .md, got "${report}"`)
  if (values.list && values.all) throw new UsageError('--list and --all: give one of them')
  if (values.list) {
    if (positionals.length > 0) throw new UsageError('--list takes no scenario name')
    const entries = catalog(loader, dir)
    const width = Math.max(...entries.map((e) => e.name.length)) + 2
    io.stdout(entries.map((e) => `${e.name.padEnd(width)}${listing(e)}`).join('\n'))
    return entries.every((e) => e.scenario) ? 0 : 1
  }
  const aborted = new AbortController()
  void io.interrupted.then(() => aborted.abort())
  if (values.all) {
    if (positionals.length > 0) throw new UsageError('--all takes no scenario name')
    const scenarios = listScenarios(loader, dir)
    if (scenarios.length === 0) throw new UsageError(`no lessons (*.yaml) in ${dir}`)
    const reports = await runAllScenarios(scenarios, io, aborted.signal)
    if (report) {
      await writeFile(report, report.endsWith('.json') ? allReportJson(reports) : allReportMarkdown(reports))
      io.stdout(`report written to ${report}`)
    }
    return reports.length === scenarios.length && reports.every((r) => r.passed) ? 0 : 1
  }
  if (values.dir !== undefined) throw new UsageError('--dir goes with --all or --list; to run one lesson, give its file')
  if (positionals.length !== 1) throw new UsageError('expected one scenario name or file, e.g. meshdojo scenario fault-injection (see --list, --all)')
  const scenario = loader.load(resolveScenarioFile(positionals[0]!))

  io.stdout(scenarioHeading(scenario))
  const result = await runScenario(scenario, {
    signal: aborted.signal,
    listener: {
      stepStarted: (n, step) => io.stdout(stepHeading(n, scenario.steps.length, step)),
      action: (_n, phase, outcome) => io.stdout(actionLine(phase, outcome)),
      stepFinished: (s) => io.stdout(stepLines(s).join('\n')),
    },
  })
  io.stdout(summaryLine(result))
  if (report) {
    await writeFile(report, report.endsWith('.json') ? reportJson(result) : reportMarkdown(result))
    io.stdout(`report written to ${report}`)
  }
  return result.passed ? 0 : 1
}

/** `Fault injection (5 steps)`, or why the file does not load. */
function listing(e: ReturnType<typeof catalog>[number]): string {
  if (!e.scenario) return `✘ invalid: ${e.error?.message.split('\n')[1]?.trim() ?? e.error?.message}`
  const n = e.scenario.steps.length
  return `${e.scenario.title} (${n} step${n === 1 ? '' : 's'})`
}
