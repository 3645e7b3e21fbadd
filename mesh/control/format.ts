/** `get -o yaml|json` and the kubectl-style table, from each resource as it was applied (`raw`). */

import { stringify } from 'yaml'
import { KINDS } from './kinds.ts'
import type { IstioResource } from './types.ts'

export type OutputFormat = 'yaml' | 'json' | 'table'

export interface FormatOptions {
  /** For AGE and `metadata.creationTimestamp`: when each resource was created (ms), e.g. store.createdAt. */
  readonly createdAt?: (r: IstioResource) => number | undefined
  /** Current time for AGE (ms); default Date.now(). */
  readonly now?: number
  /** Wrap in `kind: List` even for one resource (kubectl does when no name was asked for). Default: 2+ resources. */
  readonly asList?: boolean
  /** Add a NAMESPACE column (kubectl `-A`). */
  readonly allNamespaces?: boolean
}

export function formatResources(resources: readonly IstioResource[], format: OutputFormat, opts: FormatOptions = {}): string {
  if (format === 'table') return table(resources, opts)
  const objects = resources.map((r) => withTimestamp(r, opts))
  const asList = opts.asList ?? objects.length !== 1
  const value = asList ? { apiVersion: 'v1', kind: 'List', items: objects } : objects[0]
  return format === 'json' ? `${JSON.stringify(value, null, 2)}\n` : stringify(value)
}

function withTimestamp(r: IstioResource, opts: FormatOptions): unknown {
  const created = opts.createdAt?.(r)
  const raw = r.raw as Record<string, unknown>
  if (created === undefined) return raw
  const metadata = { ...(raw.metadata as Record<string, unknown>), creationTimestamp: new Date(created).toISOString().replace(/\.\d{3}Z$/, 'Z') }
  return { ...raw, metadata }
}

/** One table per kind, in the order kinds first appear, separated by a blank line (as kubectl prints `get a,b`). */
function table(resources: readonly IstioResource[], opts: FormatOptions): string {
  if (resources.length === 0) return 'No resources found.\n'
  const now = opts.now ?? Date.now()
  const kinds = [...new Set(resources.map((r) => r.kind))]
  return kinds
    .map((kind) => {
      const info = KINDS[kind]
      const rows = resources.filter((r) => r.kind === kind)
      const header = [...(opts.allNamespaces ? ['NAMESPACE'] : []), 'NAME', ...info.columns.map((c) => c.header), 'AGE']
      const body = rows.map((r) => {
        const raw = r.raw as Record<string, unknown>
        const created = opts.createdAt?.(r)
        return [
          ...(opts.allNamespaces ? [r.meta.namespace] : []),
          r.meta.name,
          ...info.columns.map((c) => cell(c.value(raw))),
          created === undefined ? '<unknown>' : humanDuration(now - created),
        ]
      })
      return columns([header, ...body])
    })
    .join('\n')
}

/** Arrays print as JSON (`["bookinfo-gateway"]`), as kubectl does for string columns; absent is empty. */
function cell(v: unknown): string {
  if (v === undefined || v === null) return ''
  return typeof v === 'string' ? v : JSON.stringify(v)
}

function columns(rows: readonly (readonly string[])[]): string {
  // A loop, not Math.max(...column): spreading thousands of rows as arguments overflows the stack.
  const widths = rows[0]!.map((_, i) => rows.reduce((w, row) => Math.max(w, row[i]!.length), 0))
  return rows.map((row) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]! + 3))).join('').trimEnd()).join('\n') + '\n'
}

/** kubectl's age format: `45s`, `3m12s`, `15m`, `5h10m`, `3d4h`, `200d`, `2y5d`. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000)
  if (seconds < -1) return '<invalid>'
  if (seconds < 0) return '0s'
  if (seconds < 120) return `${seconds}s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`
  if (minutes < 180) return `${minutes}m`
  const hours = Math.floor(minutes / 60)
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`
  if (hours < 48) return `${hours}h`
  if (hours < 24 * 8) return hours % 24 === 0 ? `${hours / 24}d` : `${Math.floor(hours / 24)}d${hours % 24}h`
  const days = Math.floor(hours / 24)
  if (days < 365 * 2) return `${days}d`
  if (days < 365 * 8) return days % 365 === 0 ? `${days / 365}y` : `${Math.floor(days / 365)}y${days % 365}d`
  return `${Math.floor(days / 365)}y`
}
