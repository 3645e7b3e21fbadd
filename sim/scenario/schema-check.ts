/**
 * Validates scenario data against `scenarios/schema.json` (the same schema editors use) with ajv,
 * and turns ajv's errors into one problem per place: the field path and what was expected there.
 */
import { readFileSync } from 'node:fs'
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import { renderValue } from '../../mesh/control/diagnostics.ts'
import { suggest } from '../../mesh/control/parse/fields.ts'
import { packagePath } from '../package-root.ts'

export const SCHEMA_FILE = packagePath(import.meta.url, 'scenarios', 'schema.json')

/** A problem before it is given a file and a line. */
export interface SchemaProblem {
  /** ajv's path segments, e.g. ['steps', 1, 'expect', 0]; `key` names a missing or unknown field inside it. */
  readonly path: readonly (string | number)[]
  readonly key?: string
  readonly message: string
}

export type SchemaChecker = (data: unknown) => SchemaProblem[]

/** Compiles the schema once per checker; keep one checker per loader. */
export function schemaChecker(schemaFile = SCHEMA_FILE): SchemaChecker {
  const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as Record<string, unknown>
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictTypes: false, allowUnionTypes: true })
  const validate: ValidateFunction = ajv.compile(schema)
  return (data) => (validate(data) ? [] : explain(validate.errors ?? []))
}

const MAX_PROBLEMS = 12

/** One problem per place, deepest places first; composite errors give way to the precise ones under them. */
export function explain(errors: readonly ErrorObject[]): SchemaProblem[] {
  const groups = new Map<string, ErrorObject[]>()
  for (const e of errors) {
    if (e.keyword === 'if') continue // the `then` branch reports the real errors
    const list = groups.get(e.instancePath) ?? []
    list.push(e)
    groups.set(e.instancePath, list)
  }
  const paths = [...groups.keys()]
  const problems: SchemaProblem[] = []
  for (const [path, list] of groups) {
    const concrete = list.filter((e) => e.keyword === 'required' || e.keyword === 'additionalProperties')
    // A deeper error explains a type or anyOf failure here (a list given where a mapping was expected …).
    const deeper = paths.some((p) => p !== path && p.startsWith(`${path}/`))
    if (deeper && concrete.length === 0) continue
    problems.push(...pick(list).map((e) => toProblem(e)))
  }
  const depth = (p: SchemaProblem) => p.path.length
  return problems.sort((a, b) => depth(b) - depth(a)).slice(0, MAX_PROBLEMS)
}

/** The errors worth reporting at one place. */
function pick(list: readonly ErrorObject[]): ErrorObject[] {
  const described = list.find((e) => (e.keyword === 'anyOf' || e.keyword === 'oneOf') && description(e) !== undefined)
  if (described) return [described]
  const concrete = list.filter((e) => e.keyword === 'required' || e.keyword === 'additionalProperties')
  if (concrete.length > 0) return concrete
  const typed = list.filter((e) => e.keyword !== 'type' && e.keyword !== 'anyOf' && e.keyword !== 'oneOf')
  return (typed.length > 0 ? typed : list).slice(0, 1)
}

const segments = (instancePath: string): (string | number)[] =>
  instancePath === '' ? [] : instancePath.slice(1).split('/').map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, '/').replace(/~0/g, '~')))

function toProblem(e: ErrorObject): SchemaProblem {
  const path = segments(e.instancePath)
  const got = `got ${renderValue(e.data)}`
  const expected = description(e)
  const params = e.params as Record<string, unknown>
  switch (e.keyword) {
    case 'required': {
      const key = String(params.missingProperty)
      const sub = (e.parentSchema?.properties as Record<string, { description?: string }> | undefined)?.[key]?.description
      return { path, key, message: `is required${sub ? ` (${sub})` : ''}` }
    }
    case 'additionalProperties': {
      const key = String(params.additionalProperty)
      const known = Object.keys((e.parentSchema?.properties as object | undefined) ?? {})
      const guess = suggest(key, known)
      return { path, key, message: `unknown field${guess ? ` (did you mean "${guess}"?)` : ''}; expected one of ${known.join(', ')}` }
    }
    case 'type':
      return { path, message: `expected ${typeNames(String(params.type))}${expected ? ` (${expected})` : ''}, ${got}` }
    case 'anyOf':
    case 'oneOf':
      return { path, message: `expected ${expected ?? 'one of the allowed forms'}, ${got}` }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String)
      const guess = typeof e.data === 'string' ? suggest(e.data, allowed) : undefined
      return { path, message: `expected one of ${allowed.join(', ')}${guess ? ` (did you mean "${guess}"?)` : ''}, ${got}` }
    }
    case 'const':
      return { path, message: `expected ${renderValue(params.allowedValue)}, ${got}` }
    case 'pattern':
      return { path, message: `expected ${expected ?? `text matching ${String(params.pattern)}`}, ${got}` }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path, message: `expected a number ${String(params.comparison)} ${String(params.limit)}, ${got}` }
    case 'minItems':
    case 'maxItems':
      return { path, message: `expected ${e.keyword === 'minItems' ? 'at least' : 'at most'} ${String(params.limit)} item(s)${expected ? ` (${expected})` : ''}, got ${Array.isArray(e.data) ? e.data.length : 0}` }
    case 'minProperties':
    case 'maxProperties': {
      const keys = e.data && typeof e.data === 'object' ? Object.keys(e.data) : []
      const what = expected ?? `${e.keyword === 'minProperties' ? 'at least' : 'at most'} ${String(params.limit)} field(s)`
      return { path, message: `expected ${what}; got ${keys.length === 0 ? 'none' : keys.join(', ')}` }
    }
    case 'minLength':
      return { path, message: `expected ${expected ?? 'non-empty text'}, ${got}` }
    default:
      return { path, message: `${expected ? `expected ${expected}: ` : ''}${e.message ?? e.keyword}, ${got}` }
  }
}

const description = (e: ErrorObject): string | undefined => (e.parentSchema as { description?: string } | undefined)?.description

function typeNames(types: string): string {
  const names: Record<string, string> = { string: 'text', integer: 'a whole number', number: 'a number', boolean: 'true or false', object: 'a mapping', array: 'a list', null: 'nothing' }
  return types.split(',').map((t) => names[t] ?? t).join(' or ')
}
