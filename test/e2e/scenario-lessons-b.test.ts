/** Every shipped lesson not run by scenario-lessons-a.test.ts runs headless and passes. */
import { expect, test } from 'vitest'
import { listScenarios } from '../../sim/scenario/catalog.ts'
import { scenarioLoader } from '../../sim/scenario/load-scenario.ts'
import { stepLines } from '../../sim/scenario/report-format.ts'
import { runScenario } from '../../sim/scenario/run-scenario.ts'

/** Keep in step with ORDERS_IN_FILE_A in scenario-lessons-a.test.ts (not imported: that would run its tests here). */
const ORDERS_IN_FILE_A: ReadonlySet<number> = new Set([2, 4, 6, 7, 9])

const lessons = listScenarios(scenarioLoader()).filter((s) => !ORDERS_IN_FILE_A.has(s.order ?? -1))

test.each(lessons.map((s) => [s.name, s] as const))('%s passes', async (_name, scenario) => {
  const report = await runScenario(scenario)
  const failures = report.steps.filter((s) => s.status !== 'passed').flatMap((s) => [`Step ${s.number}: ${s.title}`, ...stepLines(s)])
  expect(failures.join('\n') + (report.error ?? '')).toBe('')
  expect(report.passed).toBe(true)
}, 90_000)
