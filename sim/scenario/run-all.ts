/**
 * `meshdojo scenario --all`: every lesson of a folder in lesson order, each on its own fresh mesh,
 * one summary line per lesson (and its failed checks, so a red line says why), then a total.
 * Lessons run one after another: each starts its own mesh, and two at once would share the CPU
 * and the timing checks of both.
 */
import type { CliIO } from '../cli/io.ts'
import { FAIL, PASS, checkLine, reportMarkdown } from './report-format.ts'
import { runScenario, type ScenarioReport } from './run-scenario.ts'
import type { Scenario } from './types.ts'
import { formatValue } from './units.ts'

export async function runAllScenarios(scenarios: readonly Scenario[], io: CliIO, signal: AbortSignal): Promise<ScenarioReport[]> {
  const reports: ScenarioReport[] = []
  for (const scenario of scenarios) {
    if (signal.aborted) break
    const report = await runScenario(scenario, { signal })
    reports.push(report)
    io.stdout(lessonLines(report).join('\n'))
  }
  io.stdout(totalLine(reports, scenarios.length))
  return reports
}

/** `✔ fault-injection      17/17 checks in 5 steps    12.6 s`, and for a failed lesson what failed. */
export function lessonLines(r: ScenarioReport): string[] {
  const checks = r.steps.flatMap((s) => s.checks)
  const failed = checks.filter((c) => !c.passed)
  const head = `${r.passed ? PASS : FAIL} ${r.scenario.name.padEnd(20)} ${`${checks.length - failed.length}/${checks.length} checks in ${r.steps.length} step${r.steps.length === 1 ? '' : 's'}`.padEnd(26)} ${formatValue(r.durationMs, 'ms')}`
  if (r.passed) return [head]
  const why = [
    ...(r.error ? [`  ${FAIL} ${r.error}`] : []),
    ...r.steps.flatMap((s) => [...(s.error ? [`  ${FAIL} step ${s.number}: ${s.error}`] : []), ...s.checks.filter((c) => !c.passed).map((c) => `  step ${s.number}: ${checkLine(c).trimStart()}`)]),
  ]
  return [head, ...why]
}

export function totalLine(reports: readonly ScenarioReport[], planned: number): string {
  const passed = reports.filter((r) => r.passed).length
  const ms = reports.reduce((sum, r) => sum + r.durationMs, 0)
  const stopped = reports.length < planned ? `, stopped after ${reports.length} of ${planned}` : ''
  return `\n${passed === planned ? PASS : FAIL} ${passed} of ${planned} lessons passed${stopped} (${formatValue(ms, 'ms')})`
}

export const allReportJson = (reports: readonly ScenarioReport[]): string => `${JSON.stringify(reports, null, 2)}\n`

export const allReportMarkdown = (reports: readonly ScenarioReport[]): string => reports.map(reportMarkdown).join('\n---\n\n')
