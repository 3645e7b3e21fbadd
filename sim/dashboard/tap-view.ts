/**
 * The `tap` panel: the newest requests as short lines (`12:00:01 reviews-v2 → ratings-v1 GET
 * /ratings/0 500 FI 0ms jason`), filtered with `/` by a regular expression or, if it is not a valid
 * one, by plain text; both ignore case. The regex is RE2, as in the config, so matching is linear in
 * the line's length whatever is typed: a filter like `(a+)+$` cannot freeze the dashboard.
 */
import { Re2 } from '../../mesh/control/parse/regex.ts'
import { formatFlags } from '../../mesh/flags.ts'
import type { RequestRecord } from '../../mesh/telemetry/record.ts'
import { isFailure } from '../../mesh/telemetry/rolling-window.ts'
import { INGRESS } from './service-graph.ts'
import type { TapLine, TapView } from './view-types.ts'

/** `HH:MM:SS` in the local time zone. */
export const timeOfDay = (epochMs: number): string => new Date(epochMs).toTimeString().slice(0, 8)

export interface TapFilter {
  readonly test: (text: string) => boolean
  readonly note?: string
}

export function compileFilter(text: string): TapFilter {
  if (!text) return { test: () => true }
  try {
    const re = Re2.compile(text, { ignoreCase: true })
    return { test: (line) => re.test(line) }
  } catch {
    const needle = text.toLowerCase()
    return { test: (line) => line.toLowerCase().includes(needle), note: 'not a regular expression: matching as text' }
  }
}

export function tapLine(r: RequestRecord): TapLine {
  const source = r.source.workload === INGRESS ? 'ingress' : r.source.workload
  const destination = r.destination.workload !== 'unknown' ? r.destination.workload : r.destinationService.split('.')[0] ?? '-'
  const flags = formatFlags(r.flags)
  const durationMs = Math.max(0, Math.round(r.durationMs))
  const time = timeOfDay(r.startEpochMs + r.durationMs)
  const user = r.endUser ?? ''
  const text = `${time} ${source} → ${destination}${r.mirrored ? ' (mirror)' : ''} ${r.method} ${r.path} ${r.status} ${flags} ${durationMs}ms${user ? ` ${user}` : ''}`
  const health = isFailure(r.status) ? 'failing' : flags !== '-' ? 'degraded' : 'healthy'
  return { time, source, destination, method: r.method, path: r.path, status: r.status, flags, durationMs, user, mirrored: r.mirrored, health, text }
}

/** The newest `max` matching requests, oldest first. Formats at most the records it scans. */
export function tapView(records: readonly RequestRecord[], filterText: string, max: number): TapView {
  const filter = compileFilter(filterText)
  const lines: TapLine[] = []
  for (let i = records.length - 1; i >= 0 && lines.length < max; i--) {
    const line = tapLine(records[i]!)
    if (filter.test(line.text)) lines.push(line)
  }
  return { lines: lines.reverse(), filter: filterText, ...(filter.note ? { filterNote: filter.note } : {}) }
}
