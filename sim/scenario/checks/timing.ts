/** `latency` percentiles and `successRate`, over the step's responses or over telemetry records. */
import type { LessonCheckResult } from '../../workshop/lesson-contract.ts'
import type { Observation } from '../observation.ts'
import type { Check, ResponseFilter } from '../types.ts'
import { boundHolds, describeBound, formatValue } from '../units.ts'
import { describeRecords, describeResponses, isSuccess, percentile, selectRecords, selectResponses } from './select.ts'

type Of<K extends Check['kind']> = Extract<Check, { kind: K }>

export function latencyCheck(c: Of<'latency'>, obs: Observation): LessonCheckResult[] {
  const { values, what } = c.records
    ? { values: selectRecords(obs.records, c.records).map((r) => r.durationMs), what: describeRecords(c.records) }
    : responseTimes(obs, c.select)
  return c.percentiles.map(({ percentile: p, bound }) => {
    const expected = describeBound(bound, 'ms')
    if (values.length === 0) return { description: `${p} of ${what} is ${expected}`, passed: false, detail: `nothing to measure: no ${what} were observed; expected a ${p} ${expected}` }
    const v = percentile(values, p === 'max' ? 'max' : Number(p.slice(1)))
    return {
      description: `${p} of ${what} is ${expected}`,
      passed: boundHolds(bound, v),
      detail: `${p} of ${what} was ${formatValue(v, 'ms')} (${values.length} sample${values.length === 1 ? '' : 's'}); expected ${expected}`,
    }
  })
}

export function successRateCheck(c: Of<'successRate'>, obs: Observation): LessonCheckResult[] {
  const { statuses, what } = c.records
    ? { statuses: selectRecords(obs.records, c.records).map((r) => r.status), what: describeRecords(c.records) }
    : responseStatuses(obs, c.select)
  const ok = statuses.filter(isSuccess).length
  const rate = statuses.length === 0 ? NaN : ok / statuses.length
  const expected = describeBound(c.bound, 'share')
  return [{
    description: `success rate of ${what} is ${expected}`,
    passed: statuses.length > 0 && boundHolds(c.bound, rate),
    detail: statuses.length === 0 ? `no ${what} were observed; expected a success rate ${expected}` : `success rate of ${what} was ${formatValue(rate, 'share')} (${ok} of ${statuses.length} not 5xx); expected ${expected}`,
  }]
}

function responseTimes(obs: Observation, f: ResponseFilter): { values: number[]; what: string } {
  const selected = selectResponses(obs.responses, f)
  return { values: selected.map((r) => r.ms), what: describeResponses(f, undefined, selected) }
}

function responseStatuses(obs: Observation, f: ResponseFilter): { statuses: number[]; what: string } {
  const selected = selectResponses(obs.responses, f)
  return { statuses: selected.map((r) => r.status), what: describeResponses(f, 'responses', selected) }
}
