/** How a scenario run reads: live lines for the terminal, and the `--report` file as JSON or Markdown. */
import type { ActionOutcome } from './run-action.ts'
import type { ScenarioReport, StepReport } from './run-scenario.ts'
import type { Phase, ScenarioCheckResult } from './step-engine.ts'
import type { Scenario, Step } from './types.ts'
import { formatValue } from './units.ts'

export const PASS = '✔'
export const FAIL = '✘'

export const scenarioHeading = (s: Scenario, stepCount = s.steps.length) =>
  `▶ ${s.name}: ${s.title} (seed ${s.seed}, ${stepCount} step${stepCount === 1 ? '' : 's'})`

export const stepHeading = (number: number, total: number, step: Step) => `\nStep ${number}/${total}: ${step.title}`

export const actionLine = (phase: Phase, outcome: ActionOutcome) => `  · ${phase === 'actions' ? '' : `${phase}: `}${outcome.description}`

/** `  ✘ p50 of /productpage for jason was 1.02 s; expected between 5.5 s and 6.5 s. Hint: …` */
export function checkLine(r: ScenarioCheckResult): string {
  if (r.passed) return `  ${PASS} ${r.detail}`
  return `  ${FAIL} ${r.detail}.${r.hint ? ` Hint: ${r.hint}` : ''}`
}

/** The lines printed when a step ends: its traffic, then each check (actions were printed as they ran). */
export function stepLines(s: StepReport): string[] {
  if (s.status === 'skipped') return [`  - skipped (an earlier step failed)`]
  return [...s.traffic.map((t) => `  · traffic: ${t}`), ...s.checks.map(checkLine), ...(s.error ? [`  ${FAIL} ${s.error}`] : [])]
}

export function summaryLine(r: ScenarioReport): string {
  const checks = r.steps.flatMap((s) => s.checks)
  const failed = checks.filter((c) => !c.passed).length
  const errors = r.steps.filter((s) => s.error).length + (r.error ? 1 : 0)
  const time = formatValue(r.durationMs, 'ms')
  if (r.passed) return `\n${PASS} ${r.scenario.name} passed: ${checks.length} check${checks.length === 1 ? '' : 's'} in ${r.steps.length} step${r.steps.length === 1 ? '' : 's'} (${time})`
  const why = [failed ? `${failed} of ${checks.length} checks failed` : '', errors ? `${errors} step${errors === 1 ? '' : 's'} could not run` : ''].filter(Boolean).join(', ')
  return `\n${FAIL} ${r.scenario.name} failed: ${why} (${time})${r.error ? `\n  ${r.error}` : ''}`
}

export const reportJson = (r: ScenarioReport): string => `${JSON.stringify(r, null, 2)}\n`

export function reportMarkdown(r: ScenarioReport): string {
  const checks = r.steps.flatMap((s) => s.checks)
  const lines = [
    `# ${r.scenario.title} (\`${r.scenario.name}\`): ${r.passed ? 'passed' : 'FAILED'}`,
    '',
    `${checks.filter((c) => c.passed).length} of ${checks.length} checks passed in ${r.steps.length} steps, ${formatValue(r.durationMs, 'ms')}. Seed ${r.scenario.seed}, started ${r.startedAt}.`,
  ]
  if (r.error) lines.push('', `**Error:** ${r.error}`)
  if (r.setup.length) lines.push('', `Setup: ${r.setup.map((s) => `\`${s}\``).join(', ')}`)
  for (const s of r.steps) {
    lines.push('', `## ${s.number}. ${s.title}: ${s.status}`, '')
    for (const a of s.actions) lines.push(`- ${cell(a)}`)
    for (const t of s.traffic) lines.push(`- traffic: ${cell(t)}`)
    if (s.error) lines.push('', `**Error:** ${cell(s.error)}`)
    if (s.checks.length) {
      lines.push('', '| | check | observed |', '|---|---|---|')
      for (const c of s.checks) lines.push(`| ${c.passed ? PASS : FAIL} | ${cell(c.description)} | ${cell(c.detail)}${!c.passed && c.hint ? `<br>Hint: ${cell(c.hint)}` : ''} |`)
    }
  }
  return `${lines.join('\n')}\n`
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, '<br>')
