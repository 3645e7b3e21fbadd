/** Collects every finding about one document, so a user sees all mistakes at once, not just the first. */

import type { Code } from '../codes.ts'
import { renderValue } from '../diagnostics.ts'
import type { Diagnostic, DiagnosticLevel, SourceRef } from '../types.ts'

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

  get errorCount(): number {
    return this.#findings.filter((f) => f.level === 'Error').length
  }

  /** Findings stamped with the identity known now (so errors found before metadata still name the resource). */
  diagnostics(): Diagnostic[] {
    const { kind, name, namespace } = this.identity
    return this.#findings.map((f) => ({
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
    const hasValue = value.length > 0
    const text = hasValue ? `${message}, got ${renderValue(value[0])}` : message
    this.#findings.push({ level, code, field, message: text, value: value[0], hasValue })
  }
}

/** `spec.http` + 0 → `spec.http[0]`; `headers` + `end-user` → `headers.end-user`; odd keys are quoted. */
export function at(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`
  if (/^[A-Za-z0-9_@:-][A-Za-z0-9_@:-]*$/.test(key)) return path === '' ? key : `${path}.${key}`
  return `${path}[${JSON.stringify(key)}]`
}
