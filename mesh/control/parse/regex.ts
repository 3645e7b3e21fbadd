/**
 * Config regexes, compiled once at the edge with re2js: RE2 (what Envoy runs), ported from Go's regexp (what
 * Istio's validation compiles with), so matching takes time linear in the input and a pattern like `(a+)+`
 * cannot stall the process. What RE2 rejects is reported as MD0114 with Go's reason, or with a plainer one for
 * constructs people bring from other engines (lookarounds, backreferences, possessive quantifiers).
 */

import { RE2JS, RE2JSSyntaxException } from 're2js'
import type { Re2Matcher, Re2Rewrite } from '../types.ts'
import type { Reporter } from './reporter.ts'

const RE2_DOC = 'Istio uses RE2 syntax (https://github.com/google/re2/wiki/Syntax)'
/** A bound on what one config regex may cost to compile, in the spirit of Envoy's max_program_size. */
const MAX_LENGTH = 1024
/** RE2's own limit on `{n,m}`, nested repeats multiplied. */
const MAX_REPEAT = 1000

// === impl Re2 ===

/**
 * A compiled RE2 pattern. The engine sits in a private field: re2js fills caches (its lazy DFA) as it
 * matches, and a private field is out of reach of the deepFreeze that every parsed spec goes through.
 */
export class Re2 implements Re2Matcher {
  readonly #re: RE2JS

  private constructor(
    /** The pattern as written. */
    readonly source: string,
    re: RE2JS,
  ) {
    this.#re = re
    Object.freeze(this)
  }

  /** Compiles `pattern`; throws RE2JSSyntaxException when RE2 rejects it (see `compileRe2` for a reason instead). */
  static compile(pattern: string, opts: { readonly ignoreCase?: boolean } = {}): Re2 {
    return new Re2(pattern, RE2JS.compile(pattern, opts.ignoreCase ? RE2JS.CASE_INSENSITIVE : 0))
  }

  /** RE2 full match: the whole of `text` must match, as Envoy's StringMatcher requires. */
  matches(text: string): boolean {
    return this.#re.testExact(text)
  }

  /** RE2 partial match: somewhere in `text`. */
  test(text: string): boolean {
    return this.#re.test(text)
  }

  /** Capture groups in the pattern, not counting the whole match. */
  get groupCount(): number {
    return this.#re.groupCount()
  }

  /** A matcher over `text`, for search-and-replace. */
  matcher(text: string) {
    return this.#re.matcher(text)
  }
}

/** `s` as an RE2 pattern that matches exactly `s`. */
export const quoteRe2 = (s: string): string => RE2JS.quote(s)

export type Compiled = { readonly ok: true; readonly re: Re2 } | { readonly ok: false; readonly reason: string }

/** Compiles an RE2 pattern from config, or says why it cannot be used. */
export function compileRe2(pattern: string): Compiled {
  if (pattern.length > MAX_LENGTH) return { ok: false, reason: `regex is too large, max length allowed is ${MAX_LENGTH}` }
  try {
    return { ok: true, re: Re2.compile(pattern) }
  } catch (e) {
    if (e instanceof RE2JSSyntaxException) return { ok: false, reason: explain(e.error, e.input ?? '', pattern) }
    return { ok: false, reason: String((e as Error).message) }
  }
}

/** Compiles for a StringMatch (`matches` is RE2 full match); reports MD0114 at `field` and returns undefined if it cannot. */
export function compileFullMatch(pattern: string, field: string, r: Reporter): Re2Matcher | undefined {
  return compileReported(pattern, field, r)
}

/**
 * Compiles `uriRegexRewrite`: `match` searched anywhere in the path, every match replaced by `rewrite` in RE2's
 * rewrite syntax (`\1`…`\9` a group, `\0` the whole match, `\\` a backslash), as Envoy's regex_rewrite does.
 */
export function compileRewrite(match: string, rewrite: string, field: { match: string; rewrite: string }, r: Reporter): Re2Rewrite | undefined {
  const re = compileReported(match, field.match, r)
  if (re === undefined) return undefined
  const parsed = parseRewrite(rewrite)
  // Envoy accepts both at config time; say what RE2::GlobalReplace will do with them.
  if (parsed.maxGroup > re.groupCount) {
    const has = re.groupCount === 1 ? '1 capture group' : `${re.groupCount} capture groups`
    r.warn('MD0114', field.rewrite, `refers to \\${parsed.maxGroup} but the match regex has ${has}; Envoy leaves the path unchanged`)
  } else if (parsed.invalidAt !== undefined) {
    r.warn('MD0114', field.rewrite, `invalid rewrite ${JSON.stringify(rewrite)}: "\\" must be followed by a digit or "\\"; Envoy drops the rest of the rewrite from ${JSON.stringify(rewrite.slice(parsed.invalidAt))}`)
  }
  return new GlobalReplace(match, rewrite, re, parsed)
}

function compileReported(pattern: string, field: string, r: Reporter): Re2 | undefined {
  if (pattern === '') {
    r.error('MD0114', field, 'regex must not be empty')
    return undefined
  }
  const c = compileRe2(pattern)
  if (!c.ok) {
    r.error('MD0114', field, `invalid regex ${JSON.stringify(pattern)}: ${c.reason}; ${RE2_DOC}`)
    return undefined
  }
  return c.re
}

/**
 * Go's parse error (`what` and the offending text `at`) as a reason. Constructs from Perl, PCRE or JS get a
 * reason that names them; anything else keeps Go's wording, which is what `istioctl` prints.
 */
function explain(what: string, at: string, pattern: string): string {
  const unsupported = (construct: string) => `${construct} is not supported by RE2`
  if (what === 'invalid or unsupported Perl syntax' || what === 'invalid named capture') {
    const named: [string, string][] = [
      ['(?=', 'lookahead (?=...)'],
      ['(?!', 'negative lookahead (?!...)'],
      ['(?<=', 'lookbehind (?<=...)'],
      ['(?<!', 'negative lookbehind (?<!...)'],
      ['(?>', 'atomic group (?>...)'],
      ['(?#', 'comment group (?#...)'],
      ['(?|', 'branch reset (?|...)'],
      ['(?R', 'recursion (?R)'],
      ['(?&', 'recursion (?&name)'],
    ]
    for (const [prefix, construct] of named) if (at.startsWith(prefix)) return unsupported(construct)
    // Go quotes only `(?P` for these two, so look at what follows it in the pattern.
    if (at === '(?P' && pattern.includes('(?P=')) return unsupported('named backreference (?P=name)')
    if (at === '(?P' && pattern.includes('(?P>')) return unsupported('recursion (?P>name)')
  }
  if (what === 'invalid escape sequence') {
    if (/^\\[1-9]$/.test(at)) return unsupported(`backreference ${at}`)
    if (at === '\\k') return unsupported('named backreference \\k<name>')
    return `invalid escape sequence ${at}`
  }
  if (what === 'invalid nested repetition operator' && at.length > 1 && at.endsWith('+')) {
    return unsupported(`possessive quantifier ${at}`)
  }
  if (what === 'invalid repeat count') {
    const counts = /^\{(\d+)(,(\d*))?\}$/.exec(at)
    if (counts !== null) {
      const min = Number(counts[1])
      const max = counts[3] ? Number(counts[3]) : min
      if (min > MAX_REPEAT || max > MAX_REPEAT) return `repeat count ${at} is over RE2's limit of ${MAX_REPEAT}`
      if (max >= min) return `repeat count ${at} takes nested repeats over RE2's limit of ${MAX_REPEAT}`
    }
  }
  return at === '' ? what : `${what}: \`${at}\``
}

// === impl GlobalReplace ===

interface ParsedRewrite {
  /** Literal text and group numbers, in order; cut short at an invalid escape, as RE2::Rewrite stops there. */
  readonly pieces: readonly (string | number)[]
  readonly maxGroup: number
  readonly invalidAt?: number
}

/** RE2 rewrite text: `\0`–`\9` a group, `\\` a backslash, any other `\` invalid; everything else literal. */
function parseRewrite(rewrite: string): ParsedRewrite {
  const pieces: (string | number)[] = []
  let literal = ''
  let maxGroup = 0
  let invalidAt: number | undefined
  for (let i = 0; i < rewrite.length; i++) {
    const c = rewrite[i]!
    if (c !== '\\') {
      if (invalidAt === undefined) literal += c
      continue
    }
    // Like RE2::MaxSubmatch, keep scanning for group numbers past an invalid escape.
    const next = rewrite[i + 1]
    const group = next !== undefined && next >= '0' && next <= '9' ? Number(next) : undefined
    i++
    if (group !== undefined) maxGroup = Math.max(maxGroup, group)
    if (invalidAt !== undefined) continue
    if (group !== undefined) {
      if (literal) pieces.push(literal)
      literal = ''
      pieces.push(group)
    } else if (next === '\\') {
      literal += '\\'
    } else {
      invalidAt = i - 1
    }
  }
  if (literal) pieces.push(literal)
  return { pieces, maxGroup, ...(invalidAt === undefined ? {} : { invalidAt }) }
}

/** Envoy's regex_rewrite: RE2::GlobalReplace(&path, match, rewrite). */
class GlobalReplace implements Re2Rewrite {
  readonly #re: Re2
  readonly #pieces: readonly (string | number)[]
  /** RE2::GlobalReplace does nothing when the rewrite names a group the regex lacks. */
  readonly #usable: boolean

  constructor(
    readonly match: string,
    readonly rewrite: string,
    re: Re2,
    parsed: ParsedRewrite,
  ) {
    this.#re = re
    this.#pieces = parsed.pieces
    this.#usable = parsed.maxGroup <= re.groupCount
    Object.freeze(this)
  }

  replaceAll(text: string): string {
    if (!this.#usable) return text
    const m = this.#re.matcher(text)
    let out = ''
    let p = 0
    let lastEnd = -1
    let count = 0
    while (p <= text.length && m.find(p)) {
      const start = m.start()
      const end = m.end()
      out += text.slice(p, start)
      if (start === end && start === lastEnd) {
        // No empty match right where the previous match ended: copy one character (a whole code point) and go on.
        const step = p < text.length && (text.codePointAt(p) ?? 0) > 0xffff ? 2 : 1
        out += text.slice(p, p + step)
        p += step
        continue
      }
      for (const piece of this.#pieces) out += typeof piece === 'number' ? (m.group(piece) ?? '') : piece
      p = end
      lastEnd = end
      count++
    }
    return count === 0 ? text : out + text.slice(p)
  }
}
