/**
 * JSON decoding that answers like Go's encoding/json, because Toxiproxy clients (and users' scripts)
 * compare the error texts: syntax errors from Go's scanner, `cannot unmarshal` type errors with Go's
 * struct/field context, case-insensitive keys, and number literals kept verbatim (Go rejects `1.5`
 * and `1e3` for integer fields, which JSON.parse would hide).
 */

/** A parsed JSON value that still knows each number's literal text and each key's spelling. */
export type JsonNode =
  | { readonly kind: 'object'; readonly entries: ReadonlyArray<readonly [string, JsonNode]> }
  | { readonly kind: 'array'; readonly items: readonly JsonNode[] }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly raw: string }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'null' }

/** A decode failure; `message` is exactly what Go's decoder would say (e.g. `unexpected EOF`). */
export class GoJsonError extends Error {
  override readonly name = 'GoJsonError'
}

const utf8 = new TextDecoder('utf-8', { fatal: false })

/**
 * Parses the first JSON value in `bytes` like Go's `json.Decoder.Decode`: an empty body is `EOF`,
 * a truncated one `unexpected EOF`, and anything after the first value is ignored.
 */
export function parseGoJson(bytes: Uint8Array): JsonNode {
  return new Scanner(bytes).document()
}

class Scanner {
  private pos = 0
  constructor(private readonly b: Uint8Array) {}

  document(): JsonNode {
    this.skipSpace()
    if (this.pos >= this.b.length) throw new GoJsonError('EOF')
    return this.value()
  }

  private skipSpace(): void {
    const b = this.b
    while (this.pos < b.length) {
      const c = b[this.pos]!
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return
      this.pos++
    }
  }

  /** The next byte, or throws `unexpected EOF`: inside a value the input may not end. */
  private peek(): number {
    if (this.pos >= this.b.length) throw new GoJsonError('unexpected EOF')
    return this.b[this.pos]!
  }

  private fail(c: number, context: string): never {
    throw new GoJsonError(`invalid character ${quoteChar(c)} ${context}`)
  }

  private value(): JsonNode {
    const c = this.peek()
    if (c === 0x7b) return this.object()
    if (c === 0x5b) return this.array()
    if (c === 0x22) return { kind: 'string', value: this.string() }
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return { kind: 'number', raw: this.number() }
    if (c === 0x74) return this.literal('true', { kind: 'bool', value: true })
    if (c === 0x66) return this.literal('false', { kind: 'bool', value: false })
    if (c === 0x6e) return this.literal('null', { kind: 'null' })
    return this.fail(c, 'looking for beginning of value')
  }

  private object(): JsonNode {
    this.pos++ // {
    const entries: Array<readonly [string, JsonNode]> = []
    this.skipSpace()
    if (this.peek() === 0x7d) {
      this.pos++
      return { kind: 'object', entries }
    }
    for (;;) {
      this.skipSpace()
      const k = this.peek()
      if (k !== 0x22) this.fail(k, 'looking for beginning of object key string')
      const key = this.string()
      this.skipSpace()
      const colon = this.peek()
      if (colon !== 0x3a) this.fail(colon, 'after object key')
      this.pos++
      this.skipSpace()
      entries.push([key, this.value()])
      this.skipSpace()
      const next = this.peek()
      this.pos++
      if (next === 0x7d) return { kind: 'object', entries }
      if (next !== 0x2c) this.fail(next, 'after object key:value pair')
    }
  }

  private array(): JsonNode {
    this.pos++ // [
    const items: JsonNode[] = []
    this.skipSpace()
    if (this.peek() === 0x5d) {
      this.pos++
      return { kind: 'array', items }
    }
    for (;;) {
      this.skipSpace()
      items.push(this.value())
      this.skipSpace()
      const next = this.peek()
      this.pos++
      if (next === 0x5d) return { kind: 'array', items }
      if (next !== 0x2c) this.fail(next, 'after array element')
    }
  }

  private literal(word: string, node: JsonNode): JsonNode {
    this.pos++
    for (let i = 1; i < word.length; i++) {
      const c = this.peek()
      if (c !== word.charCodeAt(i)) this.fail(c, `in literal ${word} (expecting ${quoteChar(word.charCodeAt(i))})`)
      this.pos++
    }
    return node
  }

  private number(): string {
    const start = this.pos
    const digit = (c: number) => c >= 0x30 && c <= 0x39
    const atEnd = () => this.pos >= this.b.length
    if (this.b[this.pos] === 0x2d) {
      this.pos++
      const c = this.peek()
      if (!digit(c)) this.fail(c, 'in numeric literal')
    }
    if (this.b[this.pos] === 0x30) this.pos++
    else while (!atEnd() && digit(this.b[this.pos]!)) this.pos++
    if (!atEnd() && this.b[this.pos] === 0x2e) {
      this.pos++
      const c = this.peek()
      if (!digit(c)) this.fail(c, 'after decimal point in numeric literal')
      while (!atEnd() && digit(this.b[this.pos]!)) this.pos++
    }
    if (!atEnd() && (this.b[this.pos] === 0x65 || this.b[this.pos] === 0x45)) {
      this.pos++
      let c = this.peek()
      if (c === 0x2b || c === 0x2d) {
        this.pos++
        c = this.peek()
      }
      if (!digit(c)) this.fail(c, 'in exponent of numeric literal')
      while (!atEnd() && digit(this.b[this.pos]!)) this.pos++
    }
    return String.fromCharCode(...this.b.subarray(start, this.pos))
  }

  private string(): string {
    this.pos++ // opening quote
    const parts: string[] = []
    let runStart = this.pos
    const flushRun = () => {
      if (this.pos > runStart) parts.push(utf8.decode(this.b.subarray(runStart, this.pos)))
    }
    for (;;) {
      const c = this.peek()
      if (c === 0x22) {
        flushRun()
        this.pos++
        return parts.join('')
      }
      if (c < 0x20) this.fail(c, 'in string literal')
      if (c !== 0x5c) {
        this.pos++
        continue
      }
      flushRun()
      this.pos++
      const e = this.peek()
      this.pos++
      const simple: Record<number, string> = { 0x22: '"', 0x5c: '\\', 0x2f: '/', 0x62: '\b', 0x66: '\f', 0x6e: '\n', 0x72: '\r', 0x74: '\t' }
      if (simple[e] !== undefined) parts.push(simple[e]!)
      else if (e === 0x75) parts.push(this.unicodeEscape())
      else this.fail(e, 'in string escape code')
      runStart = this.pos
    }
  }

  /** After `\u`: four hex digits; a surrogate pair combines, a lone surrogate becomes U+FFFD (as in Go). */
  private unicodeEscape(): string {
    const hi = this.hex4()
    if (hi < 0xd800 || hi > 0xdfff) return String.fromCharCode(hi)
    if (hi <= 0xdbff && this.b[this.pos] === 0x5c && this.b[this.pos + 1] === 0x75) {
      const save = this.pos
      this.pos += 2
      const lo = this.hex4()
      if (lo >= 0xdc00 && lo <= 0xdfff) return String.fromCharCode(hi, lo)
      this.pos = save
    }
    return '\ufffd'
  }

  private hex4(): number {
    let v = 0
    for (let i = 0; i < 4; i++) {
      const c = this.peek()
      const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1
      if (d < 0) this.fail(c, 'in \\u hexadecimal character escape')
      v = v * 16 + d
      this.pos++
    }
    return v
  }
}

/** Go's quoteChar: the offending byte as a Go rune literal, e.g. `'x'`, `'\n'`, `'\x01'`. */
export function quoteChar(c: number): string {
  if (c === 0x27) return `'\\''`
  if (c === 0x22) return `'"'`
  const named: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r', 0x5c: '\\\\' }
  if (named[c] !== undefined) return `'${named[c]}'`
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, '0')}'`
  // Bytes >= 0x80 are shown as the Latin-1 rune of the same value, escaped when not printable.
  if ((c >= 0x80 && c <= 0xa0) || c === 0xad) return `'\\u00${c.toString(16).padStart(2, '0')}'`
  return `'${String.fromCharCode(c)}'`
}

// === Typed decoding ===

/** A Go field type, as named in Go's error messages. */
export type GoScalar = 'string' | 'bool' | 'int64' | 'int' | 'float32'

/** A Go struct as the decoder sees it: its names for error messages and its JSON fields. */
export interface GoStruct {
  /** `reflect.Type.Name()`: empty for anonymous structs. */
  readonly name: string
  /** `reflect.Type.String()`, used when a whole value has the wrong JSON kind. */
  readonly type: string
  readonly fields: Readonly<Record<string, GoField>>
}

/** A scalar, a nested struct, or `raw` (kept as a node for a later, type-aware decode). */
export type GoField = GoScalar | GoStruct | { readonly raw: string /* Go type for kind errors */ }

/** A decoded struct: field values by JSON name; absent and null fields are left out. */
export interface Decoded {
  readonly [field: string]: string | boolean | number | JsonNode | Decoded | undefined
}

interface ErrorContext {
  readonly struct?: string
  readonly path: readonly string[]
}

const describe = (node: JsonNode): string => (node.kind === 'bool' ? 'bool' : node.kind)

function typeError(value: string, goType: string, ctx: ErrorContext): GoJsonError {
  if (ctx.struct !== undefined || ctx.path.length > 0) {
    return new GoJsonError(`json: cannot unmarshal ${value} into Go struct field ${ctx.struct ?? ''}.${ctx.path.join('.')} of type ${goType}`)
  }
  return new GoJsonError(`json: cannot unmarshal ${value} into Go value of type ${goType}`)
}

/** Go matches keys exactly first, then case-insensitively (with its two special folds). */
const fold = (key: string) => key.toLowerCase().replace(/\u017f/g, 's')

/**
 * Decodes `node` into `struct` the way Go would, throwing the first type error in document order.
 * `into` supplies current values: Go decodes over them, so a partial body keeps the rest.
 */
export function decodeStruct(node: JsonNode, struct: GoStruct, into: Decoded = {}, ctx: ErrorContext = { path: [] }): Decoded {
  if (node.kind === 'null') return into
  if (node.kind !== 'object') throw typeError(describe(node), struct.type, ctx)
  const out: Record<string, Decoded[string]> = { ...into }
  const byFold = new Map(Object.keys(struct.fields).map((f) => [fold(f), f]))
  for (const [key, value] of node.entries) {
    const field = struct.fields[key] !== undefined ? key : byFold.get(fold(key))
    if (field === undefined) continue // unknown keys are ignored, as in Go
    const type = struct.fields[field]!
    const fieldCtx: ErrorContext = { struct: struct.name, path: [...ctx.path, field] }
    if (value.kind === 'null') continue
    if (typeof type === 'string') out[field] = decodeScalar(value, type, fieldCtx)
    else if ('raw' in type) {
      if (value.kind !== 'object') throw typeError(describe(value), type.raw, fieldCtx)
      out[field] = value
    } else out[field] = decodeStruct(value, type, (out[field] as Decoded | undefined) ?? {}, fieldCtx)
  }
  return out
}

/** Decodes a top-level array of structs (Go's `[]T`). */
export function decodeArray(node: JsonNode, element: GoStruct, arrayType: string): Decoded[] {
  if (node.kind === 'null') return []
  if (node.kind !== 'array') throw typeError(describe(node), arrayType, { path: [] })
  return node.items.map((item) => decodeStruct(item, element))
}

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

function decodeScalar(node: JsonNode, type: GoScalar, ctx: ErrorContext): string | boolean | number {
  switch (type) {
    case 'string':
      if (node.kind === 'string') return node.value
      break
    case 'bool':
      if (node.kind === 'bool') return node.value
      break
    case 'int':
    case 'int64':
      if (node.kind === 'number') {
        if (/^-?\d+$/.test(node.raw)) {
          const big = BigInt(node.raw)
          if (big >= INT64_MIN && big <= INT64_MAX) return Number(big)
        }
        throw typeError(`number ${node.raw}`, type, ctx)
      }
      break
    case 'float32':
      if (node.kind === 'number') {
        // Go's ParseFloat(s, 32) fails exactly when the value rounds to infinity in float32.
        const f = Math.fround(Number(node.raw))
        if (Number.isFinite(f)) return f
        throw typeError(`number ${node.raw}`, type, ctx)
      }
      break
  }
  throw typeError(describe(node), type, ctx)
}

/** Converts a JavaScript value to a node, so programmatic input goes through the same decoder. */
export function nodeFromValue(value: unknown): JsonNode {
  if (value === null || value === undefined) return { kind: 'null' }
  if (typeof value === 'string') return { kind: 'string', value }
  if (typeof value === 'boolean') return { kind: 'bool', value }
  if (typeof value === 'number' || typeof value === 'bigint') return { kind: 'number', raw: String(value) }
  if (Array.isArray(value)) return { kind: 'array', items: value.map(nodeFromValue) }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, nodeFromValue(v)] as const)
    return { kind: 'object', entries }
  }
  return { kind: 'string', value: String(value) }
}
