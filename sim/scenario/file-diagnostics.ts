/**
 * Diagnostics about a file's text, printed without that text. A file may be anything a path reaches
 * (a `.env`, `/proc/self/environ`); what it holds must not reach a terminal, a log or a CI report through
 * an error. What is kept: the file, the document, the line and column, the field path, the resource it
 * belongs to (for kinds meshdojo knows) and the rule broken. Inline YAML, written in the lesson itself,
 * keeps its values (`got "fifty"`).
 */
import { describeSupportedKinds, formatDiagnostic, KIND_LIST, type Diagnostic } from '../../mesh/control/index.ts'
import { renderValue } from '../../mesh/control/diagnostics.ts'

/** `formatDiagnostic` of `withoutContent(d)`. */
export const formatFileDiagnostic = (d: Diagnostic): string => formatDiagnostic(withoutContent(d))

/**
 * `d` minus what it copied from the file: the offending value (`, got …`, wherever it appears), the
 * source a YAML syntax message quotes, an unknown kind and the resource name of a kind that is not
 * Istio's (a `kind:` line of some other file).
 */
export function withoutContent(d: Diagnostic): Diagnostic {
  const knownKind = d.kind !== undefined && KIND_LIST.some((k) => k.kind === d.kind)
  let message = 'value' in d ? withoutValue(d.message, d.value) : d.message
  if (d.code === 'MD0001') message = yamlMessage(message)
  if (d.code === 'MD0003') message = `is not a kind meshdojo simulates; supported kinds: ${describeSupportedKinds()}`
  const { value: _value, kind: _kind, name: _name, namespace: _namespace, ...rest } = d
  return { ...rest, ...(knownKind ? { kind: d.kind, ...(d.name === undefined ? {} : { name: d.name, namespace: d.namespace }) } : {}), message }
}

/** Drops the `, got <json>` the parser appends, and the value anywhere else the message names it. */
function withoutValue(message: string, value: unknown): string {
  const suffix = `, got ${renderValue(value)}`
  let out = message.endsWith(suffix) ? message.slice(0, -suffix.length) : message
  const spelled = typeof value === 'string' ? [JSON.stringify(value), value] : value !== null && typeof value === 'object' ? [renderValue(value)] : []
  // Short strings (`*`, `.`) would cut words apart; they are not what a leak looks like.
  for (const s of spelled) if (s.length >= 3) out = out.split(s).join('(value not shown)')
  return out
}

/**
 * `YAML syntax error: <yaml's message> at line L, column C` → the same with yaml's message only when it is
 * made of words alone. Some of yaml's messages end by quoting the source (`Unexpected scalar token in
 * YAML stream: "…"`, `Block scalar header includes extra characters: |…`, `Unresolved tag: …`); every one
 * of those templates puts a `:`, a quote, a `\`, a `!`, `%`, `|` or a digit before what it quotes.
 */
function yamlMessage(message: string): string {
  const m = /^YAML syntax error: (.*) at line (\d+), column (\d+)$/s.exec(message)
  if (!m) return 'YAML syntax error (not shown: it would quote the file)'
  const [, what, line, column] = m
  return `YAML syntax error at line ${line}, column ${column}${quotesNothing(what!) ? `: ${what}` : ''}`
}

/** A message of yaml's own words (`Map keys must be unique`), with nothing it could have copied from the source. */
export const quotesNothing = (yamlMessage: string): boolean => /^[A-Za-z][A-Za-z ,'\-[\]{}]*$/.test(yamlMessage)

/**
 * A parser failure that came out as an exception rather than a diagnostic (yaml throws `Unresolved alias
 * (…): <name>` from toJS), said without the name it quotes.
 */
export function parseFailure(err: unknown): string {
  const message = err instanceof Error ? err.message : ''
  if (message.startsWith('Unresolved alias')) return 'YAML syntax error: an alias (*name) refers to an anchor that is not defined before it'
  return `could not be parsed as YAML (${err instanceof Error ? err.name : typeof err})`
}
