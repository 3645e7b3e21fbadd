/** A scenario file that cannot run: every problem found, each with its file, field path and what was expected. */
import { MeshError } from '../../mesh/errors.ts'

export interface ScenarioProblem {
  /** The scenario file as given (relative paths stay relative, so messages read like the command line). */
  readonly file: string
  /** Dotted path of the field at fault, e.g. `steps[1].expect[0].latency.p50.between[0]`; `` for the whole file. */
  readonly field: string
  readonly message: string
  /** 1-based, when the YAML node could be located. */
  readonly line?: number
  readonly column?: number
}

/** `scenarios/x.yaml:12:7 steps[1].expect[0]: expected …, got …` */
export function formatProblem(p: ScenarioProblem): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}:${p.column ?? 1}`
  return `${where} ${p.field === '' ? '' : `${p.field}: `}${p.message}`
}

/** Thrown before anything starts: nothing of the scenario ran. */
export class ScenarioInvalidError extends MeshError {
  readonly problems: readonly ScenarioProblem[]
  constructor(problems: readonly ScenarioProblem[]) {
    const first = problems[0]
    const head = `scenario ${first?.file ?? ''} is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}), nothing was started:`
    const sorted = [...problems].sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? 0) - (b.column ?? 0))
    super('MESH_SCENARIO_INVALID', [head, ...sorted.map((p) => `  ${formatProblem(p)}`)].join('\n'), sorted[0]?.field)
    this.problems = Object.freeze(sorted)
  }
}
