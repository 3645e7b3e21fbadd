/** Which responses and telemetry records a check looks at, and how to name them in a message. */
import type { RequestRecord } from '../../../mesh/telemetry/record.ts'
import { shortName } from '../../../mesh/telemetry/stats.ts'
import type { ObservedResponse } from '../observation.ts'
import type { RecordFilter, ResponseFilter } from '../types.ts'

export function selectResponses(all: readonly ObservedResponse[], f: ResponseFilter): ObservedResponse[] {
  return all.filter((r) => (f.user === undefined || r.user === f.user) && (f.path === undefined || r.path === f.path) && (f.url === undefined || r.url === f.url))
}

/**
 * `pages for jason`, `responses from http://httpbin:8000/get`; with `noun` undefined: `/productpage for
 * jason`. Without a path in the filter, the one path all `seen` responses share is named.
 */
export function describeResponses(f: ResponseFilter, noun?: 'pages' | 'responses', seen: readonly ObservedResponse[] = []): string {
  const targets = new Set(seen.map((r) => r.url ?? r.path))
  const target = f.url ?? f.path ?? (targets.size === 1 ? [...targets][0] : undefined)
  const who = f.user ? ` for ${f.user}` : ''
  if (noun === undefined) return `${target ?? 'responses'}${who}`
  return `${noun}${target ? ` from ${target}` : ''}${who}`
}

export function selectRecords(all: readonly RequestRecord[], f: RecordFilter): RequestRecord[] {
  return all.filter(
    (r) =>
      r.reporter === f.reporter &&
      (f.from === undefined || r.source.workload === f.from || r.source.app === f.from) &&
      (f.to === undefined || r.destination.workload === f.to || r.destination.app === f.to || shortName(r.destinationService) === f.to) &&
      (f.status === undefined || r.status === f.status),
  )
}

/** `calls from reviews-v2 to ratings (caller's view, after retries)` */
export function describeRecords(f: RecordFilter): string {
  const route = [f.from ? `from ${f.from}` : '', f.to ? `to ${f.to}` : ''].filter(Boolean).join(' ')
  const status = f.status === undefined ? '' : ` with status ${f.status}`
  const view = f.reporter === 'source' ? "caller's view, after retries" : "callee's view, every try"
  return `calls${route ? ` ${route}` : ''}${status} (${view})`
}

/** Linkerd's convention: 5xx (and no answer at all) are failures. */
export const isSuccess = (status: number): boolean => status > 0 && status < 500

/** Nearest-rank percentile of `values` (ms); `max` is the largest. */
export function percentile(values: readonly number[], p: number | 'max'): number {
  const sorted = [...values].sort((a, b) => a - b)
  if (p === 'max') return sorted.at(-1) ?? 0
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0
}

/** `200 ×18, 503 ×2` */
export function codeCounts(statuses: readonly number[]): string {
  const counts = new Map<number, number>()
  for (const s of statuses) counts.set(s, (counts.get(s) ?? 0) + 1)
  return [...counts].sort(([a], [b]) => a - b).map(([code, n]) => `${code === -1 ? 'no answer' : code} ×${n}`).join(', ') || 'none'
}

/** Shortens long quoted text in messages. */
export const quote = (text: string): string => JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}…` : text)
