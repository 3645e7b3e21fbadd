/**
 * What the typed parse of a (schema-valid) scenario needs: where it came from, how to report a
 * problem at a field path, which workloads exist, and how to read Istio YAML it references.
 * Problems are collected, not thrown, so one run of the loader reports all of them.
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { formatDiagnostic, isError, parseConfig, parseResourceRefs } from '../../mesh/control/index.ts'
import type { ScenarioProblem } from './scenario-error.ts'
import type { ConfigText } from './types.ts'
import type { YamlSource } from './yaml-source.ts'

export type Path = readonly (string | number)[]

export class ParseContext {
  readonly problems: ScenarioProblem[] = []

  constructor(
    /** The file as the user named it, for messages. */
    readonly file: string,
    /** Directory that relative config paths resolve against. */
    readonly dir: string,
    private readonly source: YamlSource,
    /** Workloads the scenario's mesh will run (depends on setup.withHttpbin). */
    readonly workloads: ReadonlySet<string>,
  ) {}

  /** `['steps', 1, 'expect', 0]` → `steps[1].expect[0]` */
  static field(path: Path): string {
    return path.reduce<string>((out, s) => (typeof s === 'number' ? `${out}[${s}]` : out === '' ? s : `${out}.${s}`), '')
  }

  problem(path: Path, message: string, key?: string): void {
    const pos = this.source.locate(path, key)
    const field = ParseContext.field(key === undefined ? path : [...path, key])
    this.problems.push({ file: this.file, field, message, ...(pos ? { line: pos.line, column: pos.column } : {}) })
  }

  /** A workload the mesh runs, or a problem naming the ones it does. */
  workload(name: string, path: Path, extra: readonly string[] = []): string {
    if (!this.workloads.has(name) && !extra.includes(name)) {
      const httpbin = name.startsWith('httpbin') ? ' (httpbin runs only with setup.withHttpbin: true)' : ''
      this.problem(path, `expected a workload of this mesh${httpbin}: ${[...this.workloads, ...extra].join(', ')}; got "${name}"`)
    }
    return name
  }

  /**
   * Istio YAML from `value`: inline when it spans several lines, otherwise a file path relative to
   * the scenario. The YAML must parse without Errors (the same edge `meshdojo apply` uses).
   * `refsOnly` (delete) needs only kinds and names.
   */
  config(value: string, path: Path, refsOnly = false): ConfigText {
    const inline = value.includes('\n')
    const field = ParseContext.field(path)
    let text = value
    let label = `${this.file} ${field}`
    if (!inline) {
      const full = resolve(this.dir, value)
      if (!existsSync(full) || !statSync(full).isFile()) {
        this.problem(path, `expected inline Istio YAML or a file path relative to the scenario; no file ${full}`)
        return { text: '', label: value, path: value }
      }
      text = readFileSync(full, 'utf8')
      label = value
    }
    const diagnostics = refsOnly ? parseResourceRefs(text, label).diagnostics : parseConfig(text, label).diagnostics
    for (const d of diagnostics.filter(isError)) this.problem(path, `Istio YAML rejected: ${formatDiagnostic(d)}`)
    return Object.freeze({ text, label, ...(inline ? {} : { path: value }) })
  }
}
