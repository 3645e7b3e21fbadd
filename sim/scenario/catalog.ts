/** The shipped scenarios (scenarios/*.yaml) by name, in lesson order, and how a name or path resolves to a file. */
import { existsSync, readdirSync } from 'node:fs'
import { isAbsolute, join, relative } from 'node:path'
import { suggest } from '../../mesh/control/parse/fields.ts'
import { UsageError } from '../cli/usage-error.ts'
import type { ScenarioLoader } from './load-scenario.ts'
import type { Scenario } from './types.ts'
import { packagePath } from '../package-root.ts'

export const SCENARIOS_DIR = packagePath(import.meta.url, 'scenarios')

/** Every scenario in `dir`, loaded and validated, sorted by `order` then name. */
export function listScenarios(loader: ScenarioLoader, dir = SCENARIOS_DIR): Scenario[] {
  return scenarioNames(dir)
    .map((name) => loader.load(join(dir, `${name}.yaml`)))
    .sort((a, b) => (a.order ?? Infinity) - (b.order ?? Infinity) || a.name.localeCompare(b.name))
}

/** Like listScenarios, but a file that does not load is listed with its error instead of failing the list. */
export function catalog(loader: ScenarioLoader, dir = SCENARIOS_DIR): Array<{ readonly name: string; readonly scenario?: Scenario; readonly error?: Error }> {
  const entries = scenarioNames(dir).map((name) => {
    try {
      return { name, scenario: loader.load(join(dir, `${name}.yaml`)) }
    } catch (err) {
      return { name, error: err as Error }
    }
  })
  const rank = (e: (typeof entries)[number]) => e.scenario?.order ?? Infinity
  return entries.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name))
}

export function scenarioNames(dir = SCENARIOS_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort()
}

/** `fault-injection` → scenarios/fault-injection.yaml; anything with a slash or .yaml is a path. */
export function resolveScenarioFile(nameOrFile: string, dir = SCENARIOS_DIR): string {
  if (nameOrFile.includes('/') || /\.ya?ml$/.test(nameOrFile)) return nameOrFile
  const file = join(dir, `${nameOrFile}.yaml`)
  if (existsSync(file)) return friendly(file)
  const names = scenarioNames(dir)
  const guess = suggest(nameOrFile, names)
  throw new UsageError(`no scenario named "${nameOrFile}"${guess ? ` (did you mean "${guess}"?)` : ''}; scenarios: ${names.join(', ')}. Or give a path to a .yaml file.`)
}

/** Relative to the working directory when inside it, so messages read `scenarios/x.yaml:12:7`. */
function friendly(file: string): string {
  const rel = relative(process.cwd(), file)
  return rel.startsWith('..') || isAbsolute(rel) ? file : rel
}
