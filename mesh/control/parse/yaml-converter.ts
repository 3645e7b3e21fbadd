/**
 * One composed YAML document → plain JSON-like data, converted node by node (not the yaml package's
 * `toJS`) so that each problem carries the path of the value at fault and aliases are counted as they
 * are expanded, within CONFIG_LIMITS.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml'
import type { Code } from '../codes.ts'
import { FrozenSet } from '../freeze.ts'
import type { DiagnosticLevel } from '../types.ts'
import { at, moreNotShown } from './reporter.ts'
import { CONFIG_LIMITS, type AliasBudget, type YamlPath, type YamlProblem } from './yaml-limits.ts'

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
export class Converter {
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
