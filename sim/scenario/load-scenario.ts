/**
 * The scenario edge: a file → a frozen Scenario, or a ScenarioInvalidError listing every problem
 * (file, line, field path, what was expected) before anything starts. Checks run in order: YAML
 * syntax, the JSON Schema (scenarios/schema.json, the one editors use), then what a schema cannot
 * say: durations and bounds, referenced files, the Istio YAML inside, workload names, traffic for checks.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseFailure, quotesNothing } from './file-diagnostics.ts'
import { lessonFolders } from './lesson-files.ts'
import { ParseContext } from './parse-context.ts'
import { parseScenario, scenarioWorkloads } from './parse-scenario.ts'
import { ScenarioInvalidError, type ScenarioProblem } from './scenario-error.ts'
import { schemaChecker, type SchemaChecker } from './schema-check.ts'
import type { Scenario } from './types.ts'
import { readYamlSource, type YamlSource } from './yaml-source.ts'

export interface ScenarioLoader {
  /** Reads and validates `file` (relative to the working directory or absolute). */
  load(file: string): Scenario
  /** Validates text as if read from `file` (relative config paths resolve against its directory). */
  parse(text: string, file: string): Scenario
}

/** Compiles the schema once; load as many files as you like with it. */
export function scenarioLoader(options: { schemaFile?: string } = {}): ScenarioLoader {
  const check: SchemaChecker = schemaChecker(options.schemaFile)
  const parse = (text: string, file: string): Scenario => {
    let source: YamlSource
    try {
      source = readYamlSource(text)
    } catch (err) {
      throw new ScenarioInvalidError([{ file, field: '', message: parseFailure(err) }])
    }
    if (source.errors.length > 0) {
      // The line and column, and yaml's message only when it quotes nothing from the file.
      const problem = (e: YamlSource['errors'][number]): ScenarioProblem => ({ file, field: '', line: e.line, column: e.column, message: e.code !== 'MD0001' || quotesNothing(e.message) ? `not valid YAML: ${e.message}` : 'not valid YAML' })
      throw new ScenarioInvalidError(source.errors.map(problem))
    }
    const schemaProblems = check(source.value)
    if (schemaProblems.length > 0) {
      throw new ScenarioInvalidError(
        schemaProblems.map((p): ScenarioProblem => {
          const pos = source.locate(p.path, p.key)
          return { file, field: ParseContext.field(p.key === undefined ? p.path : [...p.path, p.key]), message: p.message, ...(pos ? { line: pos.line, column: pos.column } : {}) }
        }),
      )
    }
    const raw = source.value as Record<string, unknown>
    const withHttpbin = (raw.setup as { withHttpbin?: boolean } | undefined)?.withHttpbin === true
    const ctx = new ParseContext(file, lessonFolders(file), source, scenarioWorkloads(withHttpbin))
    const scenario = parseScenario(raw, resolve(file), ctx)
    if (ctx.problems.length > 0) throw new ScenarioInvalidError(ctx.problems)
    return scenario
  }
  return {
    parse,
    load(file) {
      let text: string
      try {
        text = readFileSync(file, 'utf8')
      } catch (err) {
        throw new ScenarioInvalidError([{ file, field: '', message: `cannot read the file: ${(err as Error).message}` }])
      }
      return parse(text, file)
    },
  }
}
