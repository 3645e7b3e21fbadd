/** Checks on what the step's traffic got back: `page` (contains / notContains), `status`, `share`. */
import type { LessonCheckResult } from '../../workshop/lesson-contract.ts'
import type { ObservedResponse } from '../observation.ts'
import type { Check, ResponseProperty } from '../types.ts'
import { boundHolds, describeBound, formatValue } from '../units.ts'
import { codeCounts, describeResponses, quote, selectResponses } from './select.ts'

type Of<K extends Check['kind']> = Extract<Check, { kind: K }>

export function pageCheck(c: Of<'page'>, all: readonly ObservedResponse[]): LessonCheckResult[] {
  const pages = selectResponses(all, c.select)
  const who = describeResponses(c.select, 'pages', pages)
  const results: LessonCheckResult[] = []
  for (const text of c.contains) {
    const hits = pages.filter((p) => p.body.includes(text)).length
    results.push({
      description: `every one of the ${who} contains ${quote(text)}`,
      passed: pages.length > 0 && hits === pages.length,
      detail: `${hits} of ${pages.length} ${who} contain ${quote(text)}; expected all`,
    })
  }
  for (const text of c.notContains) {
    const hits = pages.filter((p) => p.body.includes(text)).length
    results.push({
      description: `none of the ${who} contains ${quote(text)}`,
      passed: pages.length > 0 && hits === 0,
      detail: `${hits} of ${pages.length} ${who} contain ${quote(text)}; expected none`,
    })
  }
  return results
}

export function statusCheck(c: Of<'status'>, all: readonly ObservedResponse[]): LessonCheckResult[] {
  const responses = selectResponses(all, c.select)
  const who = describeResponses(c.select, 'responses', responses)
  const statuses = responses.map((r) => r.status)
  if (c.code !== undefined) {
    return [{
      description: `every one of the ${who} has status ${c.code}`,
      passed: statuses.length > 0 && statuses.every((s) => s === c.code),
      detail: `codes of ${who}: ${codeCounts(statuses)}; expected all ${c.code}`,
    }]
  }
  const seen = c.seen ?? []
  const missing = seen.filter((code) => !statuses.includes(code))
  return [{
    description: `${who} got each of ${seen.join(', ')}`,
    passed: missing.length === 0,
    detail: `codes of ${who}: ${codeCounts(statuses)}; expected each of ${seen.join(', ')} at least once${missing.length ? ` (no ${missing.join(', ')})` : ''}`,
  }]
}

export function shareCheck(c: Of<'share'>, all: readonly ObservedResponse[]): LessonCheckResult[] {
  const responses = selectResponses(all, c.select)
  const hits = responses.filter((r) => hasProperty(r, c.where)).length
  const share = responses.length === 0 ? NaN : hits / responses.length
  const what = `share of ${describeResponses(c.select, 'responses', responses)} ${describeProperty(c.where)}`
  const expected = describeBound(c.bound, 'share')
  return [{
    description: `${what} is ${expected}`,
    passed: responses.length > 0 && boundHolds(c.bound, share),
    detail: responses.length === 0 ? `no ${describeResponses(c.select, 'responses')} were observed; expected a share ${expected}` : `${what} was ${formatValue(share, 'share')} (${hits} of ${responses.length}); expected ${expected}`,
  }]
}

function hasProperty(r: ObservedResponse, p: ResponseProperty): boolean {
  if ('contains' in p) return r.body.includes(p.contains)
  if ('notContains' in p) return !r.body.includes(p.notContains)
  if ('status' in p) return r.status === p.status
  return servedBy(r.body) === p.servedBy
}

function describeProperty(p: ResponseProperty): string {
  if ('contains' in p) return `that contain ${quote(p.contains)}`
  if ('notContains' in p) return `that do not contain ${quote(p.notContains)}`
  if ('status' in p) return `with status ${p.status}`
  return `served by reviews-${p.servedBy}`
}

/** The reviews version on a Bookinfo page ("Reviews served by: reviews-v2-…"). */
export function servedBy(body: string): string | undefined {
  const at = body.indexOf('Reviews served by')
  return at < 0 ? undefined : /reviews-(v\d+)/.exec(body.slice(at))?.[1]
}
