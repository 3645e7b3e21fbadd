/**
 * The shipped lessons, run headless as `meshdojo scenario <name>` would, split over two test files
 * so vitest runs them in parallel: scenario-lessons-a takes the orders below, scenario-lessons-b
 * all the others (a new scenario lands there by itself).
 */
import { expect, test } from 'vitest'
import { listScenarios } from '../../sim/scenario/catalog.ts'
import { scenarioLoader } from '../../sim/scenario/load-scenario.ts'
import { stepLines } from '../../sim/scenario/report-format.ts'
import { runScenario } from '../../sim/scenario/run-scenario.ts'

const ORDERS_IN_FILE_A: ReadonlySet<number> = new Set([2, 4, 6, 7, 9])

/** Declares one test per lesson of this half: each must pass every step. */
export function lessonTests(half: 'a' | 'b'): void {
  const lessons = listScenarios(scenarioLoader()).filter((s) => ORDERS_IN_FILE_A.has(s.order ?? -1) === (half === 'a'))
  test.each(lessons.map((s) => [s.name, s] as const))('%s passes', async (_name, scenario) => {
    const report = await runScenario(scenario)
    const failures = report.steps.filter((s) => s.status !== 'passed').flatMap((s) => [`Step ${s.number}: ${s.title}`, ...stepLines(s)])
    expect(failures.join('\n') + (report.error ?? '')).toBe('')
    expect(report.passed).toBe(true)
  }, 90_000)
}
