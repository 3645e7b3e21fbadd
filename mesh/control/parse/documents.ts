/**
 * The one place meshdojo reads YAML (Istio config for apply, analyze, `demo --config`, the dashboard and
 * lessons; scenario files too): text → plain JSON-like data, with every limit checked while reading, so no
 * input can make parsing slow, deep or large, and nothing a YAML document can say makes it throw.
 *
 * The text is lexed, parsed and composed by the `yaml` package one token at a time, so nesting and the
 * number of documents are checked before anything deep is built; `yaml-converter.ts` turns each composed
 * document into plain values. The limits are in `yaml-limits.ts`.
 */

import { Composer, isMap, isScalar, Lexer, LineCounter, Parser, type CST, type Document } from 'yaml'
import type { Diagnostic, DiagnosticLevel, SourceRef } from '../types.ts'
import { Converter } from './yaml-converter.ts'
import { CONFIG_LIMITS, type AliasBudget, type YamlProblem } from './yaml-limits.ts'

export { CONFIG_LIMITS, TOO_LARGE_CODES, type AliasBudget, type YamlPath, type YamlProblem } from './yaml-limits.ts'

export interface ReadDocument {
  /** 1-based, counting every document of the text (empty ones too), as editors and kubectl do. */
  readonly number: number
  readonly node: Document
  /** Plain data; undefined when the document has an Error (or holds nothing). */
  readonly value: unknown
  /** At most maxDiagnosticsPerDocument, then one MD0012 summary. */
  readonly problems: readonly YamlProblem[]
}

export interface ReadYamlResult {
  readonly documents: readonly ReadDocument[]
  /**
   * The problem that stopped reading before a document could be read (too large, too many documents,
   * nested too deeply). The alias budget also stops reading, but is reported in the document that spent it.
   */
  readonly stop?: YamlProblem & { readonly document?: number }
}

export interface ReadYamlOptions {
  /** Positions for messages (and for callers that locate nodes). */
  readonly lineCounter?: LineCounter
  /** Non-empty documents to read; reading stops with MD0008 at the next one. */
  readonly maxDocuments?: number
  /** Shared across the texts of one apply; a fresh budget otherwise. */
  readonly budget?: AliasBudget
  /** How the MD0007 message names the text and what the limit is per: `config … per apply` by default. */
  readonly subject?: { readonly name: string; readonly per: string }
}


/**
 * Nesting at which reading stops before composing (deeper than maxDepth, which the converter reports with
 * a field path): the yaml package composes recursively and would otherwise run out of stack.
 */
const GUARD_DEPTH = 200

const DEFAULT_SUBJECT = { name: 'config', per: 'apply' } as const

/**
 * Reads every document of `text` within CONFIG_LIMITS. Never throws for any text: every problem is a
 * YamlProblem, and a document with an Error has no value.
 */
export function readYaml(text: string, options: ReadYamlOptions = {}): ReadYamlResult {
  const bytes = Buffer.byteLength(text, 'utf8')
  if (bytes > CONFIG_LIMITS.maxBytes) {
    const { name, per } = options.subject ?? DEFAULT_SUBJECT
    return { documents: [], stop: { level: 'Error', code: 'MD0007', message: `${name} is ${bytes} bytes; at most ${CONFIG_LIMITS.maxBytes} (1 MiB) per ${per}` } }
  }
  const lineCounter = options.lineCounter ?? new LineCounter()
  const budget = options.budget ?? { aliases: 0, aliasedValues: 0 }
  const maxDocuments = options.maxDocuments ?? Infinity
  const documents: ReadDocument[] = []
  let nonEmpty = 0
  let stop: ReadYamlResult['stop']
  let halted = false

  const parser = new Parser(lineCounter.addNewLine)
  const composer = new Composer({ uniqueKeys: false }) // duplicates are reported below, with their path
  const tooDeep = (offset: number): ReadYamlResult['stop'] => ({
    level: 'Error', code: 'MD0010', offset, document: documents.length + 1,
    message: `nested more than ${CONFIG_LIMITS.maxDepth} levels deep${position(lineCounter, offset)}`,
  })
  const onDocument = (node: Document) => {
    const converter = new Converter(node, lineCounter, budget, (options.subject ?? DEFAULT_SUBJECT).per)
    const value = node.errors.length > 0 ? undefined : converter.convertDocument()
    const problems = [...yamlProblems(node, lineCounter), ...converter.problems()]
    const empty = value === undefined || value === null
    if (!empty || problems.length > 0) nonEmpty++
    if (nonEmpty > maxDocuments) {
      const offset = node.range?.[0]
      stop = { level: 'Error', code: 'MD0008', document: documents.length + 1, message: `more than ${maxDocuments} documents`, ...(offset === undefined ? {} : { offset }) }
      return
    }
    documents.push({ number: documents.length + 1, node, value: problems.some((p) => p.level === 'Error') ? undefined : value, problems })
    if (converter.stop !== undefined) halted = true // the alias budget is spent: reported in this document's problems
  }
  const onCst = (token: CST.Token) => {
    if (token.type === 'document') {
      const deep = tooDeepAt(token)
      if (deep !== undefined) return void (stop = tooDeep(deep))
    }
    for (const node of composer.next(token)) if (!done()) onDocument(node)
  }
  const done = () => stop !== undefined || halted

  lineCounter.addNewLine(0) // as Parser.parse() does
  let flowDepth = 0
  for (const lexeme of new Lexer().lex(text)) {
    // The lexer is iterative, the composer is not: refuse deep flow nesting (`[[[[…`) as it is read.
    if (lexeme === '[' || lexeme === '{') {
      if (++flowDepth > GUARD_DEPTH) stop = tooDeep(parser.offset)
    } else if (lexeme === ']' || lexeme === '}') flowDepth = Math.max(0, flowDepth - 1)
    else if (lexeme === '\u0002' || lexeme === '---' || lexeme === '...') flowDepth = 0
    if (!done()) for (const token of parser.next(lexeme)) if (!done()) onCst(token)
    if (done()) break
  }
  if (!done()) for (const token of parser.end()) if (!done()) onCst(token)
  if (!done()) for (const node of composer.end()) if (!done()) onDocument(node)
  return stop === undefined ? { documents } : { documents, stop }
}

/** The offset where a document's block or flow nesting first passes GUARD_DEPTH; iterative, linear. */
function tooDeepAt(doc: CST.Document): number | undefined {
  const stack: [CST.Token, number][] = doc.value === undefined ? [] : [[doc.value, 1]]
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [token, depth] = next
    if (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection') continue
    if (depth > GUARD_DEPTH) return token.offset
    for (const item of token.items) {
      if (item.key) stack.push([item.key, depth + 1])
      if (item.value) stack.push([item.value, depth + 1])
    }
  }
  return undefined
}

/** The yaml package's syntax errors and warnings (MD0001), with line and column. */
function yamlProblems(doc: Document, lineCounter: LineCounter): YamlProblem[] {
  const out: YamlProblem[] = []
  const add = (level: DiagnosticLevel, e: { message: string; pos: [number, number] }) => {
    const first = e.message.split('\n')[0]!.replace(/:$/, '')
    out.push({ level, code: 'MD0001', message: `YAML syntax error: ${first}${position(lineCounter, e.pos[0])}`, offset: e.pos[0] })
  }
  for (const e of doc.errors) add('Error', e)
  // Unresolved tags are Errors with a field path, from the converter.
  for (const w of doc.warnings) if (w.code !== 'TAG_RESOLVE_FAILED') add('Warning', w)
  return out
}

const position = (lineCounter: LineCounter, offset: number): string => {
  const { line, col } = lineCounter.linePos(offset)
  return ` at line ${line}, column ${col}`
}

// === Istio config: documents → resources' plain values ===

export interface YamlDocument {
  readonly value: unknown
  readonly source: SourceRef
}

/**
 * Multi-document YAML → one plain value per non-empty document, numbered as in the file (1-based), within
 * CONFIG_LIMITS (resources counted across `kind: List` items too). A document with an Error yields no value.
 */
export function splitDocuments(text: string, file: string): { documents: YamlDocument[]; diagnostics: Diagnostic[] } {
  const documents: YamlDocument[] = []
  const diagnostics: Diagnostic[] = []
  const read = readYaml(text, { maxDocuments: CONFIG_LIMITS.maxResources })
  let resources = 0
  for (const doc of read.documents) {
    const source: SourceRef = { file, document: doc.number }
    const identity = identityOf(doc.node)
    // Problems at a field name the resource; syntax errors do not (the document may be read wrongly).
    for (const p of doc.problems) diagnostics.push(toDiagnostic(p, source, p.field === undefined ? {} : identity))
    const value = doc.value
    if (value === undefined || value === null) continue
    const items = isList(value) ? value.items.length : 1
    if (resources + items > CONFIG_LIMITS.maxResources) {
      const field = isList(value) ? `items[${CONFIG_LIMITS.maxResources - resources}]` : undefined
      diagnostics.push(toDiagnostic(tooManyResources(field), source, identity))
      return { documents, diagnostics }
    }
    resources += items
    documents.push({ value, source })
  }
  const stop = read.stop
  if (stop !== undefined) {
    // A text refused as a whole (too large) is reported on document 1, where reading stopped: every
    // diagnostic line keeps istioctl's `(file, document N)` form, which tools parsing the output rely on.
    const source: SourceRef = { file, document: stop.document ?? 1 }
    diagnostics.push(toDiagnostic(stop.code === 'MD0008' ? tooManyResources(undefined) : stop, source, {}))
  }
  return { documents, diagnostics }
}

const tooManyResources = (field: string | undefined): YamlProblem => ({
  level: 'Error', code: 'MD0008', ...(field === undefined ? {} : { field }),
  message: `more than ${CONFIG_LIMITS.maxResources} resources in one apply (documents and List items); split the file into several applies`,
})

const isList = (v: unknown): v is { items: unknown[] } =>
  typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'List' && Array.isArray((v as { items?: unknown }).items)

interface Identity {
  readonly kind?: string
  readonly name?: string
  readonly namespace?: string
}

function toDiagnostic(p: YamlProblem, source: SourceRef, identity: Identity): Diagnostic {
  return {
    level: p.level,
    code: p.code,
    ...(identity.kind === undefined ? {} : { kind: identity.kind }),
    ...(identity.name === undefined ? {} : { name: identity.name, namespace: identity.namespace ?? 'default' }),
    ...(p.field === undefined ? {} : { field: p.field }),
    message: p.message,
    source,
  }
}

/** Kind and name as written, read from the nodes, so problems found while reading name the resource. */
function identityOf(doc: Document): Identity {
  const top = doc.contents
  if (!isMap(top)) return {}
  const text = (map: unknown, key: string): string | undefined => {
    if (!isMap(map)) return undefined
    const pair = map.items.find((p) => isScalar(p.key) && p.key.value === key)
    const v = isScalar(pair?.value) ? pair.value.value : undefined
    return typeof v === 'string' && v !== '' ? v : undefined
  }
  const metadata = top.items.find((p) => isScalar(p.key) && p.key.value === 'metadata')?.value
  const kind = text(top, 'kind')
  const name = text(metadata, 'name')
  const namespace = text(metadata, 'namespace')
  return { ...(kind === undefined ? {} : { kind }), ...(name === undefined ? {} : { name }), ...(namespace === undefined ? {} : { namespace }) }
}
