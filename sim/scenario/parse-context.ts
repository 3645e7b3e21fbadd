/**
 * What the typed parse of a (schema-valid) scenario needs: where it came from, how to report a
 * problem at a field path, which workloads exist, and how to read Istio YAML it references.
 * Problems are collected, not thrown, so one run of the loader reports all of them.
 */
import { readFileSync } from 'node:fs'
import { formatDiagnostic, isError, parseConfig, parseResourceRefs, type Diagnostic } from '../../mesh/control/index.ts'
import { formatFileDiagnostic, parseFailure } from './file-diagnostics.ts'
import { resolveLessonFile, type LessonFolders } from './lesson-files.ts'
import type { ScenarioProblem } from './scenario-error.ts'
import type { ConfigText } from './types.ts'
import type { YamlSource } from './yaml-source.ts'

export type Path = readonly (string | number)[]

export class ParseContext {
  readonly problems: ScenarioProblem[] = []

  constructor(
    /** The file as the user named it, for messages. */
    readonly file: string,
    /** Where config paths may lead: the lesson's folder (relative paths resolve against it) and samples/. */
    readonly folders: LessonFolders,
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
   * the scenario, inside the lesson's folder or samples/ (lesson-files.ts). The YAML must parse without
   * Errors (the same edge `meshdojo apply` uses). `refsOnly` (delete) needs only kinds and names. A
   * file's errors name it, the line and the field, never what it holds (file-diagnostics.ts).
   */
  config(value: string, path: Path, refsOnly = false): ConfigText {
    const inline = value.includes('\n')
    const field = ParseContext.field(path)
    let text = value
    let label = `${this.file} ${field}`
    if (!inline) {
      const found = resolveLessonFile(value, this.folders)
      if (!found.ok) {
        this.problem(path, found.problem)
        return { text: '', label: value, path: value }
      }
      try {
        text = readFileSync(found.file, 'utf8')
      } catch (err) {
        this.problem(path, `cannot read ${value} (${(err as NodeJS.ErrnoException).code ?? 'error'})`)
        return { text: '', label: value, path: value }
      }
      label = value
    }
    let diagnostics: readonly Diagnostic[]
    try {
      diagnostics = refsOnly ? parseResourceRefs(text, label).diagnostics : parseConfig(text, label).diagnostics
    } catch (err) {
      this.problem(path, `Istio YAML rejected: ${inline ? (err as Error).message : `${parseFailure(err)} (${label})`}`)
      return { text: '', label, ...(inline ? {} : { path: value }) }
    }
    const format = inline ? formatDiagnostic : formatFileDiagnostic
    for (const d of diagnostics.filter(isError)) this.problem(path, `Istio YAML rejected: ${format(d)}`)
    return Object.freeze({ text, label, ...(inline ? {} : { path: value }) })
  }
}
