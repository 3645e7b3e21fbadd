/** The limits on one apply (or one scenario file) of YAML, and the problems reading reports. */
import type { Code } from '../codes.ts'
import { FrozenSet } from '../freeze.ts'
import type { DiagnosticLevel } from '../types.ts'
import { MAX_FINDINGS } from './reporter.ts'

/** What one apply (or one scenario file) may hold. Each limit is far above what Istio config needs. */
export const CONFIG_LIMITS = Object.freeze({
  /** UTF-8 bytes per apply: the admin API's body limit (1 MiB), so every entry point agrees. */
  maxBytes: 1024 * 1024,
  /** Resources per apply, `kind: List` items included (Bookinfo's whole config is about 20). */
  maxResources: 500,
  /** Mappings and lists nested in one another (Istio config needs about 12). */
  maxDepth: 64,
  /** Alias references (`*name`) per apply: the yaml package's own default `maxAliasCount`. */
  maxAliases: 100,
  /** Values reached through aliases per apply, expanded: what stops "billion laughs" bombs. */
  maxAliasedValues: 10_000,
  /** Characters in one mapping key (label and annotation keys are at most 317). */
  maxKeyChars: 1024,
  /** Diagnostics kept per document; one summary counts the rest. */
  maxDiagnosticsPerDocument: MAX_FINDINGS,
})


/** Codes of limits on the size of the input itself: the admin API answers these with 413. */
export const TOO_LARGE_CODES: ReadonlySet<string> = new FrozenSet<string>(['MD0007', 'MD0008'])

/** A path inside one document: `['spec', 'hosts', 1]`. */
export type YamlPath = readonly (string | number)[]

export interface YamlProblem {
  readonly level: DiagnosticLevel
  readonly code: Code
  /** The value at fault, inside its document; absent for syntax errors and whole-text limits. */
  readonly path?: YamlPath
  /** `path` as meshdojo writes field paths: `spec.hosts[1]`. */
  readonly field?: string
  /** Reads after `field: ` (or alone). */
  readonly message: string
  /** Offset into the text, for line and column. */
  readonly offset?: number
}

/** Alias references and the values they expand to, counted across one apply. */
export interface AliasBudget {
  aliases: number
  aliasedValues: number
}
