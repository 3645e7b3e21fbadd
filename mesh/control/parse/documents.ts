/**
 * The one place meshdojo reads YAML (Istio config for apply, analyze, `demo --config`, the dashboard and
 * lessons; scenario files too): text → plain JSON-like data, with every limit checked while reading, so no
 * input can make parsing slow, deep or large, and nothing a YAML document can say makes it throw.
 *
 * The text is lexed, parsed and composed by the `yaml` package one token at a time; this module turns the
 * composed nodes into plain values itself (instead of `toJS`) so that each problem carries the path of the
 * value at fault and so that aliases are counted as they are expanded.
 */

import { Composer, isAlias, isMap, isPair, isScalar, isSeq, Lexer, LineCounter, Parser, type CST, type Document, type Node } from 'yaml'
import type { Code } from '../codes.ts'
import { FrozenSet } from '../freeze.ts'
import type { Diagnostic, DiagnosticLevel, SourceRef } from '../types.ts'
import { at, MAX_FINDINGS, moreNotShown } from './reporter.ts'

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

/**
 * Nesting at which reading stops before composing (deeper than maxDepth, which the converter reports with
 * a field path): the yaml package composes recursively and would otherwise run out of stack.
 */
const GUARD_DEPTH = 200

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

/** Alias references and the values they expand to, counted across one apply. */
export interface AliasBudget {
  aliases: number
  aliasedValues: number
}

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

const CORE = 'tag:yaml.org,2002:'
/** Tags whose values plain data can hold, with the JavaScript type each must have. */
const SCALAR_TAGS: ReadonlyMap<string, (v: unknown) => boolean> = new Map([
  ['!', (v) => typeof v === 'string'],
  [`${CORE}str`, (v) => typeof v === 'string'],
  [`${CORE}int`, (v) => typeof v === 'number' && Number.isInteger(v)],
  [`${CORE}float`, (v) => typeof v === 'number'],
  [`${CORE}bool`, (v) => typeof v === 'boolean'],
  [`${CORE}null`, (v) => v === null],
])
const MAP_TAGS: ReadonlySet<string> = new FrozenSet(['!', `${CORE}map`])
const SEQ_TAGS: ReadonlySet<string> = new FrozenSet(['!', `${CORE}seq`])
const UNSUPPORTED = 'is not supported: Istio config holds only strings, numbers, booleans, null, lists and mappings'

/** `tag:yaml.org,2002:binary` → `!!binary`; local tags as written; others in verbatim form. */
const shortTag = (tag: string): string => (tag.startsWith(CORE) ? `!!${tag.slice(CORE.length)}` : tag.startsWith('!') ? tag : `!<${tag}>`)

/** Returned for a value that has a problem (already recorded). */
const INVALID: unique symbol = Symbol('invalid')
type Converted = unknown | typeof INVALID

interface Resolved {
  readonly value: Converted
  /** Values in the expansion (the node itself included): what an alias to it costs. */
  readonly count: number
}

/** Turns one composed document into plain data, collecting problems with paths. */
class Converter {
  /** Set when a limit stopped the whole read (the alias budget is per apply). */
  stop: YamlProblem | undefined
  readonly #doc: Document
  readonly #lineCounter: LineCounter
  readonly #budget: AliasBudget
  readonly #problems: YamlProblem[] = []
  readonly #dropped = { Error: 0, Warning: 0, Info: 0 }
  readonly #path: (string | number)[] = []
  /** The latest node with each anchor, in document order (YAML's rule for which one an alias means). */
  readonly #anchors = new Map<string, Node>()
  /** Anchored nodes once converted; a node being converted is not here yet. */
  readonly #resolved = new Map<Node, Resolved>()
  /** Values produced so far (aliases add their whole expansion). */
  #produced = 0
  /** What the alias budget is per, for messages: `apply`, `file`. */
  readonly #per: string

  constructor(doc: Document, lineCounter: LineCounter, budget: AliasBudget, per: string) {
    this.#doc = doc
    this.#lineCounter = lineCounter
    this.#budget = budget
    this.#per = per
  }

  convertDocument(): unknown {
    const contents = this.#doc.contents
    if (contents === null) return null
    const value = this.#convert(contents, 1)
    return value === INVALID ? undefined : value
  }

  /** Problems in document order, capped, with the summary last. */
  problems(): YamlProblem[] {
    const { Error: e, Warning: w, Info: i } = this.#dropped
    if (e + w + i === 0) return this.#problems
    return [...this.#problems, summaryProblem(e, w, i)]
  }

  #problem(level: DiagnosticLevel, code: Code, message: string, node?: { range?: readonly number[] | null }, path: YamlPath = this.#path): void {
    if (this.#problems.length >= CONFIG_LIMITS.maxDiagnosticsPerDocument) {
      this.#dropped[level]++
      return
    }
    const offset = node?.range?.[0]
    this.#problems.push({
      level, code, message, path: [...path], ...(path.length === 0 ? {} : { field: fieldOf(path) }),
      ...(offset === undefined ? {} : { offset }),
    })
  }

  #error(code: Code, message: string, node?: { range?: readonly number[] | null }, path?: YamlPath): typeof INVALID {
    this.#problem('Error', code, message, node, path)
    return INVALID
  }

  #convert(node: unknown, depth: number): Converted {
    if (this.stop !== undefined) return INVALID
    if (node === null || node === undefined) return this.#count(null)
    if (isAlias(node)) return this.#alias(node.source, node)
    if (!isScalar(node) && !isMap(node) && !isSeq(node)) return this.#error('MD0011', `this YAML node ${UNSUPPORTED}`)
    const anchor = node.anchor
    if (anchor !== undefined) this.#anchors.set(anchor, node)
    const before = this.#produced
    const value = isScalar(node) ? this.#scalar(node) : this.#collection(node, depth)
    if (anchor !== undefined) this.#resolved.set(node, { value, count: this.#produced - before })
    return value
  }

  #count(value: unknown): unknown {
    this.#produced++
    return value
  }

  #alias(name: string, node: Node | { range?: readonly number[] | null }): Converted {
    const target = this.#anchors.get(name)
    if (target === undefined) return this.#error('MD0011', 'an alias (*name) refers to no anchor (&name) defined before it', node)
    const resolved = this.#resolved.get(target)
    if (resolved === undefined) return this.#error('MD0011', 'an alias (*name) is inside the node its anchor names; YAML recursion cannot be represented', node)
    const budget = this.#budget
    budget.aliases++
    budget.aliasedValues += resolved.count
    if (budget.aliases > CONFIG_LIMITS.maxAliases) {
      return this.#limit(`more than ${CONFIG_LIMITS.maxAliases} alias references in one ${this.#per}`, node)
    }
    if (budget.aliasedValues > CONFIG_LIMITS.maxAliasedValues) {
      return this.#limit(`aliases expand to more than ${CONFIG_LIMITS.maxAliasedValues} values in one ${this.#per} (the limit that stops "billion laughs" YAML bombs)`, node)
    }
    this.#produced += resolved.count
    return resolved.value
  }

  #limit(message: string, node: { range?: readonly number[] | null }): typeof INVALID {
    this.#error('MD0009', message, node)
    this.stop = this.#problems.at(-1)
    return INVALID
  }

  #scalar(node: Node & { value: unknown; tag?: string; source?: string }): Converted {
    const v = node.value
    const tag = node.tag
    const written = typeof node.source === 'string' ? node.source : String(v)
    if (tag !== undefined) {
      const fits = SCALAR_TAGS.get(tag)
      if (fits === undefined) return this.#error('MD0011', `YAML tag ${shortTag(tag)} ${UNSUPPORTED}`, node)
      if (!fits(v)) return this.#error('MD0011', `this value is not a valid ${shortTag(tag).slice(2)} (${shortTag(tag)})`, node)
    }
    if (typeof v === 'number' && !Number.isFinite(v)) {
      return this.#error('MD0101', `must be a finite number (JSON has no NaN or Infinity), got ${written.slice(0, 40)}`, node)
    }
    if (v instanceof Date) return this.#error('MD0011', `a YAML timestamp (!!timestamp) ${UNSUPPORTED}; quote the date to make it a string`, node)
    if (v instanceof Uint8Array) return this.#error('MD0011', `YAML !!binary data ${UNSUPPORTED}`, node)
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return this.#count(v)
    return this.#error('MD0011', `this YAML value ${UNSUPPORTED}`, node)
  }

  #collection(node: Node & { items: unknown[]; tag?: string }, depth: number): Converted {
    const map = isMap(node)
    const tag = node.tag
    if (tag !== undefined && !(map ? MAP_TAGS : SEQ_TAGS).has(tag)) return this.#error('MD0011', `YAML tag ${shortTag(tag)} ${UNSUPPORTED}`, node)
    if (depth > CONFIG_LIMITS.maxDepth) return this.#error('MD0010', `nested more than ${CONFIG_LIMITS.maxDepth} levels deep`, node)
    this.#produced++
    return map ? this.#map(node.items, depth, node) : this.#seq(node.items, depth)
  }

  #seq(items: readonly unknown[], depth: number): Converted {
    const out: unknown[] = []
    let ok = true
    items.forEach((item, i) => {
      this.#path.push(i)
      // `[a: 1]` is a list holding a one-entry mapping.
      const value = isPair(item) ? this.#map([item], depth + 1, item.key as Node) : this.#convert(item, depth + 1)
      this.#path.pop()
      if (value === INVALID) ok = false
      else out.push(value)
    })
    return ok ? out : INVALID
  }

  #map(items: readonly unknown[], depth: number, node: Node | null): Converted {
    const out: Record<string, unknown> = {}
    const firstAt = new Map<string, number | undefined>()
    let ok = true
    for (const pair of items) {
      if (!isPair(pair)) continue
      const key = this.#key(pair.key, node)
      if (key === INVALID) {
        ok = false
        continue
      }
      const keyOffset = (pair.key as { range?: readonly number[] } | null)?.range?.[0]
      this.#path.push(key)
      let value: Converted
      if (firstAt.has(key)) {
        const first = firstAt.get(key)
        const where = (offset: number | undefined) => (offset === undefined ? '' : ` line ${this.#lineCounter.linePos(offset).line}`)
        value = this.#error('MD0001', `YAML syntax error: Map keys must be unique; ${JSON.stringify(key)} at${where(keyOffset)} was already given at${where(first)}`, pair.key as Node)
      } else {
        firstAt.set(key, keyOffset)
        value = this.#convert(pair.value, depth + 1)
      }
      this.#path.pop()
      // Every key is checked above: `__proto__` never reaches this assignment, so it cannot set a prototype.
      if (value === INVALID) ok = false
      else out[key] = value
    }
    return ok ? out : INVALID
  }

  /** Mapping keys are strings; numbers and booleans are read as their text, as Kubernetes does. */
  #key(key: unknown, mapNode: Node | null): string | typeof INVALID {
    let value: unknown
    if (isAlias(key)) {
      value = this.#alias(key.source, key)
      if (value === INVALID) return INVALID
    } else if (isScalar(key)) {
      if (key.tag !== undefined && !SCALAR_TAGS.get(key.tag)?.(key.value)) return this.#error('MD0011', `a key with the YAML tag ${shortTag(key.tag)} ${UNSUPPORTED}`, key)
      value = key.value
    } else if (key === null || key === undefined) {
      return this.#error('MD0011', 'has an empty (null) key; mapping keys must be strings', mapNode ?? undefined)
    } else {
      return this.#error('MD0011', 'has a key that is a list or a mapping; mapping keys must be strings', key as Node)
    }
    if (typeof value === 'number' && Number.isFinite(value)) value = String(value)
    if (typeof value === 'boolean') value = String(value)
    if (typeof value !== 'string') return this.#error('MD0011', `has a key ${value === null ? 'that is null (~)' : 'that is not a string'}; mapping keys must be strings`, key as Node)
    if (value.length > CONFIG_LIMITS.maxKeyChars) {
      return this.#error('MD0011', `has a key of ${value.length} characters (${JSON.stringify(value.slice(0, 20))}…); keys are at most ${CONFIG_LIMITS.maxKeyChars}`, key as Node)
    }
    if (value === '__proto__') {
      return this.#error('MD0011', '"__proto__" is not accepted as a key (no Istio field has that name, and in JavaScript it would replace the object\'s prototype)', key as Node, [...this.#path, value])
    }
    return value
  }
}

const fieldOf = (path: YamlPath): string => path.reduce<string>((out, key) => at(out, key), '')

function summaryProblem(errors: number, warnings: number, infos: number): YamlProblem {
  return { level: errors > 0 ? 'Error' : warnings > 0 ? 'Warning' : 'Info', code: 'MD0012', message: moreNotShown(errors, warnings, infos) }
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
