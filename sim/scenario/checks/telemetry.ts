/** `metric` (a Prometheus series sum, or its increase during the check), `flags` (Envoy response flags on records). */
import { sampleSum } from '../../../mesh/telemetry/prometheus-text.ts'
import type { LessonCheckResult } from '../../workshop/lesson-contract.ts'
import type { Observation } from '../observation.ts'
import type { Check } from '../types.ts'
import { boundHolds, describeBound, formatValue } from '../units.ts'
import { describeRecords, selectRecords } from './select.ts'

type Of<K extends Check['kind']> = Extract<Check, { kind: K }>

export async function metricCheck(c: Of<'metric'>, obs: Observation): Promise<LessonCheckResult[]> {
  const now = await obs.metricsNow()
  const end = sampleSum(now, c.name, c.labels)
  const value = c.measure === 'increase' ? end - sampleSum(obs.metricsAtStart, c.name, c.labels) : end
  const labels = Object.entries(c.labels).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}="${v}"`).join(',')
  const series = `${c.name}${labels ? `{${labels}}` : ''}`
  const what = c.measure === 'increase' ? `increase of ${series} during the check` : series
  const expected = describeBound(c.bound, 'count')
  const known = [...now.keys()].some((family) => c.name === family || c.name.startsWith(`${family}_`))
  return [{
    description: `${what} is ${expected}`,
    passed: boundHolds(c.bound, value),
    detail: `${what} was ${formatValue(value, 'count')}; expected ${expected}${known ? '' : ` (no metric named ${c.name} is exported)`}`,
  }]
}

export function flagsCheck(c: Of<'flags'>, obs: Observation): LessonCheckResult[] {
  const records = selectRecords(obs.records, c.records)
  const flagged = records.filter((r) => r.flags.has(c.flag as never)).length
  const what = describeRecords(c.records)
  const expected = c.quantifier === 'some' ? 'at least one' : c.quantifier === 'all' ? 'all' : 'none'
  const passed = c.quantifier === 'some' ? flagged > 0 : c.quantifier === 'all' ? records.length > 0 && flagged === records.length : flagged === 0
  const phrase = { some: `some ${what} carry ${c.flag}`, all: `every one of the ${what} carries ${c.flag}`, none: `none of the ${what} carries ${c.flag}` }[c.quantifier]
  return [{ description: phrase, passed, detail: `${flagged} of ${records.length} ${what} carry ${c.flag}; expected ${expected}` }]
}
