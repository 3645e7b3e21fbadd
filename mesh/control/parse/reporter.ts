/** Collects every finding about one document, so a user sees all mistakes at once, not just the first. */

import type { Code } from '../codes.ts'
import { renderValue } from '../diagnostics.ts'
import type { Diagnostic, DiagnosticLevel, SourceRef } from '../types.ts'

/** Findings kept per document (CONFIG_LIMITS.maxDiagnosticsPerDocument); the rest are counted in one summary. */
export const MAX_FINDINGS = 100

interface Finding {
  readonly level: DiagnosticLevel
  readonly code: Code
  readonly field: string | undefined
  readonly message: string
  readonly value: unknown
  readonly hasValue: boolean
}

/** The resource a finding belongs to; filled in as the document is read (kind first, then metadata). */
export interface Identity {
  kind?: string
  name?: string
  namespace?: string
}

export class Reporter {
  readonly #findings: Finding[] = []
  /** Counted, not kept: the findings past MAX_FINDINGS, by level. */
  readonly #dropped = { Error: 0, Warning: 0, Info: 0 }
  #errors = 0
  readonly identity: Identity = {}

  constructor(readonly source: SourceRef | undefined) {}

  /** `message` should read after `field: `; pass `value` to append `, got <json>`. */
  error(code: Code, field: string | undefined, message: string, ...value: [] | [unknown]): void {
    this.#add('Error', code, field, message, value)
  }

  warn(code: Code, field: string | undefined, message: string, ...value: [] | [unknown]): void {
    this.#add('Warning', code, field, message, value)
  }

  info(code: Code, field: string | undefined, message: string, ...value: [] | [unknown]): void {
    this.#add('Info', code, field, message, value)
  }

  /** Every Error reported, kept or not (parsers compare it before and after a part). */
  get errorCount(): number {
    return this.#errors
  }

  /**
   * Findings stamped with the identity known now (so errors found before metadata still name the resource),
   * then one MD0012 summary counting those past the cap.
   */
  diagnostics(): Diagnostic[] {
    const { kind, name, namespace } = this.identity
    const { Error: e, Warning: w, Info: i } = this.#dropped
    const findings: Finding[] = e + w + i === 0 ? this.#findings : [...this.#findings, {
      level: e > 0 ? 'Error' : w > 0 ? 'Warning' : 'Info', code: 'MD0012', field: undefined,
      message: moreNotShown(e, w, i), value: undefined, hasValue: false,
    }]
    return findings.map((f) => ({
      level: f.level,
      code: f.code,
      ...(kind === undefined ? {} : { kind }),
      ...(name === undefined ? {} : { name, namespace: namespace ?? 'default' }),
      ...(f.field === undefined ? {} : { field: f.field }),
      message: f.message,
      ...(f.hasValue ? { value: f.value } : {}),
      ...(this.source === undefined ? {} : { source: this.source }),
    }))
  }

  #add(level: DiagnosticLevel, code: Code, field: string | undefined, message: string, value: [] | [unknown]) {
    if (level === 'Error') this.#errors++
    if (this.#findings.length >= MAX_FINDINGS) {
      this.#dropped[level]++
      return
    }
    const hasValue = value.length > 0
    const text = hasValue ? `${message}, got ${renderValue(value[0])}` : message
    this.#findings.push({ level, code, field, message: text, value: value[0], hasValue })
  }
}

/** `250 more problems in this document not shown (240 errors, 10 warnings)`. */
export function moreNotShown(errors: number, warnings: number, infos: number): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`
  const parts = [errors > 0 ? plural(errors, 'error') : '', warnings > 0 ? plural(warnings, 'warning') : '', infos > 0 ? plural(infos, 'info') : '']
  return `${errors + warnings + infos} more problems in this document not shown (${parts.filter(Boolean).join(', ')})`
}

/** `spec.http` + 0 → `spec.http[0]`; `headers` + `end-user` → `headers.end-user`; odd keys are quoted. */
export function at(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`
  if (/^[A-Za-z0-9_@:-][A-Za-z0-9_@:-]*$/.test(key)) return path === '' ? key : `${path}.${key}`
  return `${path}[${JSON.stringify(key)}]`
}
