/** Rendering diagnostics the way `istioctl analyze` prints them, and the error an apply throws. */

import { MeshError } from '../errors.ts'
import type { Diagnostic } from './types.ts'

export type { Diagnostic, DiagnosticLevel } from './types.ts'

/**
 * `Error [MD0101] (VirtualService reviews.default) spec.http[0].route[1].weight: must be a non-negative
 * integer, got "fifty" (file.yaml, document 2)`. Parts that are unknown are left out.
 */
export function formatDiagnostic(d: Diagnostic): string {
  let out = `${d.level} [${d.code}]`
  if (d.kind !== undefined) {
    const id = d.name === undefined ? '' : ` ${d.name}${d.namespace === undefined ? '' : `.${d.namespace}`}`
    out += ` (${d.kind}${id})`
  }
  out += ' '
  if (d.field !== undefined) out += `${d.field}: `
  out += d.message
  if (d.source !== undefined) out += ` (${d.source.file}, document ${d.source.document})`
  return out
}

const MAX_RENDERED = 120

/**
 * JSON rendering of a received value for messages, shortened so one bad blob cannot flood a terminal. Values
 * JSON has no form for are named rather than turned into `null` (`NaN`, `Infinity`, binary data, dates).
 */
export function renderValue(value: unknown): string {
  let text: string
  try {
    text = JSON.stringify(value, jsonSafe) ?? safeString(value)
  } catch {
    text = safeString(value)
  }
  return text.length > MAX_RENDERED ? `${text.slice(0, MAX_RENDERED - 3)}...` : text
}

function jsonSafe(this: unknown, key: string, v: unknown): unknown {
  // `this[key]` is the value before toJSON (a Date or Buffer would already be a string or {type, data}).
  const raw = (this as Record<string, unknown>)[key]
  if (typeof raw === 'number' && !Number.isFinite(raw)) return String(raw)
  if (typeof raw === 'bigint') return `${raw}n`
  if (raw instanceof Uint8Array) return `<${raw.length} bytes of binary data>`
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? '<invalid date>' : `<date ${raw.toISOString()}>`
  if (raw instanceof Map || raw instanceof Set) return `<${raw instanceof Map ? 'Map' : 'Set'} of ${raw.size}>`
  return v
}

/** String() that cannot throw (objects without a prototype, symbols, throwing toString). */
function safeString(value: unknown): string {
  try {
    return String(value)
  } catch {
    return Object.prototype.toString.call(value)
  }
}

export const isError = (d: Diagnostic): boolean => d.level === 'Error'

/** Errors first, then warnings, then infos; stable otherwise. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  const rank = { Error: 0, Warning: 1, Info: 2 } as const
  return [...list].sort((a, b) => rank[a.level] - rank[b.level])
}

/**
 * Thrown by ConfigStore when a batch has at least one Error: nothing was applied. `diagnostics` holds the
 * errors and any warnings, each printable with formatDiagnostic.
 */
export class ConfigRejectedError extends MeshError {
  readonly diagnostics: readonly Diagnostic[]
  constructor(diagnostics: readonly Diagnostic[]) {
    const sorted = sortDiagnostics(diagnostics)
    const errors = sorted.filter(isError)
    const summary = `config rejected, nothing applied: ${errors.length} error${errors.length === 1 ? '' : 's'}`
    super('MESH_CONFIG_INVALID', [summary, ...sorted.map(formatDiagnostic)].join('\n'), errors[0]?.field)
    this.diagnostics = Object.freeze(sorted)
  }

  get errors(): readonly Diagnostic[] {
    return this.diagnostics.filter(isError)
  }
}
