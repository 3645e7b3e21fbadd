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

/** JSON rendering of a received value for messages, shortened so one bad blob cannot flood a terminal. */
export function renderValue(value: unknown): string {
  let text: string
  try {
    text = JSON.stringify(value) ?? String(value)
  } catch {
    text = String(value)
  }
  return text.length > 120 ? `${text.slice(0, 117)}...` : text
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
