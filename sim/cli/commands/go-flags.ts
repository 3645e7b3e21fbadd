/**
 * Command-line flags read the way Go's `flag` package reads them, for commands that stand in for a
 * Go program (`meshdojo toxiproxy` for toxiproxy-server): `-flag` and `--flag`, `-flag value` and
 * `-flag=value`, booleans only as `-flag` or `-flag=false`, parsing stops at `--` or the first
 * argument that is not a flag, and Go's error texts.
 */
import { UsageError } from '../usage-error.ts'

/** A flag's Go type. */
export type GoFlagKind = 'string' | 'bool' | 'int64'

type ValueOf<K extends GoFlagKind> = K extends 'bool' ? boolean : K extends 'int64' ? bigint : string

/** The flags given (last one wins, as in Go), the rest of the arguments, and whether help was asked for. */
export interface GoFlags<S extends Readonly<Record<string, GoFlagKind>>> {
  readonly values: { readonly [N in keyof S]?: ValueOf<S[N]> }
  /** What follows the flags (Go's `flag.Args()`). */
  readonly rest: readonly string[]
  /** `-h`, `-help` or `--help` (unless defined as flags). */
  readonly help: boolean
}

/** Parses `argv` against `spec` (flag name → kind). Throws UsageError with Go's message. */
export function parseGoFlags<S extends Readonly<Record<string, GoFlagKind>>>(argv: readonly string[], spec: S): GoFlags<S> {
  const values: Record<string, string | boolean | bigint> = {}
  let i = 0
  for (; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg.length < 2 || arg[0] !== '-') break
    const minuses = arg[1] === '-' ? 2 : 1
    if (arg === '--') {
      i++
      break
    }
    const body = arg.slice(minuses)
    if (body === '' || body[0] === '-' || body[0] === '=') throw new UsageError(`bad flag syntax: ${arg}`)
    const eq = body.indexOf('=')
    const name = eq < 0 ? body : body.slice(0, eq)
    const inline = eq < 0 ? undefined : body.slice(eq + 1)
    const kind = Object.hasOwn(spec, name) ? spec[name] : undefined
    if (kind === undefined) {
      if (name === 'h' || name === 'help') return { values: values as GoFlags<S>['values'], rest: [], help: true }
      throw new UsageError(`flag provided but not defined: -${name}`)
    }
    if (kind === 'bool') {
      if (inline === undefined) values[name] = true
      else {
        const b = parseBool(inline)
        if (b === undefined) throw new UsageError(`invalid boolean value ${goQuote(inline)} for -${name}: parse error`)
        values[name] = b
      }
      continue
    }
    let value = inline
    if (value === undefined) {
      // Like Go, the next argument is the value even if it starts with "-".
      if (i + 1 >= argv.length) throw new UsageError(`flag needs an argument: -${name}`)
      value = argv[++i]!
    }
    if (kind === 'int64') {
      const n = parseInt64(value)
      if (typeof n === 'string') throw new UsageError(`invalid value ${goQuote(value)} for flag -${name}: ${n}`)
      values[name] = n
    } else values[name] = value
  }
  return { values: values as GoFlags<S>['values'], rest: argv.slice(i), help: false }
}

/** Go's strconv.ParseBool. */
function parseBool(text: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false
  return undefined
}

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

/** Go's strconv.ParseInt(text, 0, 64): 0x, 0o, 0b or a leading 0 (octal), underscores between digits. Returns the error text on failure. */
function parseInt64(text: string): bigint | string {
  const m = /^([+-]?)(0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|0(?:_?[0-7])*|[1-9](?:_?[0-9])*)$/.exec(text)
  if (!m) return 'parse error'
  const digits = m[2]!.replaceAll('_', '')
  const literal = /^0[0-7]/.test(digits) ? `0o${digits.slice(1)}` : digits
  const n = m[1] === '-' ? -BigInt(literal) : BigInt(literal)
  return n < INT64_MIN || n > INT64_MAX ? 'value out of range' : n
}

/** Go's %q for the common case: a double-quoted string with JSON-compatible escapes. */
const goQuote = (text: string) => JSON.stringify(text)
