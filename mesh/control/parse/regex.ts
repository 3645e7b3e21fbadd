/**
 * RE2 regexes (what Envoy runs) turned into JS RegExps. JS-only constructs (lookarounds, backreferences,
 * possessive quantifiers) are rejected with a clear reason, and RE2-only ones are translated: `(?P<name>`,
 * `\A`, `\z`, `\Q…\E`, `\x{…}`, `\pL`, `[[:alpha:]]`, leading `(?i)`/`(?s)`/`(?m)`, and a literal `]` first
 * in a class.
 */

import type { Reporter } from './reporter.ts'

export type Translated = { readonly ok: true; readonly source: string; readonly flags: string } | { readonly ok: false; readonly reason: string }

const RE2_DOC = 'Istio uses RE2 syntax (https://github.com/google/re2/wiki/Syntax)'
const MAX_LENGTH = 1024
const MAX_REPEAT = 1000

const POSIX: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
}

class Unsupported extends Error {}

/** Translates an RE2 pattern into a JS source and flags, or says why it cannot be used. */
export function translateRe2(pattern: string): Translated {
  if (pattern.length > MAX_LENGTH) return { ok: false, reason: `regex is too large, max length allowed is ${MAX_LENGTH}` }
  try {
    const t = new Translator(pattern)
    const source = t.run()
    const flags = [...t.flags].join('') + (t.unicode ? 'u' : '')
    new RegExp(source, flags) // the final word on anything the scan let through
    return { ok: true, source, flags }
  } catch (e) {
    const reason = e instanceof Unsupported ? e.message : String((e as Error).message).replace(/^.*: /, '')
    return { ok: false, reason }
  }
}

/** Compiles for a StringMatch: the whole input must match, as RE2 full-match does in Envoy. */
export function compileAnchored(pattern: string, field: string, r: Reporter): RegExp | undefined {
  const t = translate(pattern, field, r)
  if (t === undefined) return undefined
  // With (?m), ^ and $ would also match at line breaks, so anchor to the whole input another way.
  const wrapped = t.flags.includes('m') ? `(?<![\\s\\S])(?:${t.source})(?![\\s\\S])` : `^(?:${t.source})$`
  return new RegExp(wrapped, t.flags)
}

/** Compiles a search pattern (uriRegexRewrite.match): matches anywhere, non-global. */
export function compileSearch(pattern: string, field: string, r: Reporter): RegExp | undefined {
  const t = translate(pattern, field, r)
  return t === undefined ? undefined : new RegExp(t.source, t.flags)
}

function translate(pattern: string, field: string, r: Reporter): { source: string; flags: string } | undefined {
  if (pattern === '') {
    r.error('MD0114', field, 'regex must not be empty')
    return undefined
  }
  const t = translateRe2(pattern)
  if (!t.ok) {
    r.error('MD0114', field, `invalid regex ${JSON.stringify(pattern)}: ${t.reason}; ${RE2_DOC}`)
    return undefined
  }
  return t
}

// === impl Translator ===

class Translator {
  i = 0
  readonly flags = new Set<string>()
  unicode = false
  constructor(readonly src: string) {}

  run(): string {
    this.leadingFlags()
    let out = ''
    while (this.i < this.src.length) out += this.atom()
    return out
  }

  /** `(?i)`, `(?s)`, `(?m)` at the very start become JS flags; JS (Node 20) has no inline modifiers. */
  leadingFlags(): void {
    const m = /^\(\?([imsU]+)\)/.exec(this.src)
    if (m === null) return
    for (const f of m[1]!) {
      if (f === 'U') throw new Unsupported('the (?U) ungreedy flag is not supported by meshdojo')
      this.flags.add(f)
    }
    this.i = m[0].length
  }

  atom(): string {
    const c = this.src[this.i]!
    switch (c) {
      case '\\':
        return this.escape(false)
      case '[':
        return this.charClass()
      case '(':
        return this.group()
      case '{':
        return this.brace()
      case '*':
      case '+':
      case '?':
        this.i++
        if (this.src[this.i] === '+') throw new Unsupported(`possessive quantifier ${c}+ is not supported by RE2`)
        return c
      case ']':
      case '}':
        this.i++
        return `\\${c}`
      default:
        this.i++
        return c
    }
  }

  group(): string {
    const rest = this.src.slice(this.i)
    const refuse: [string, string][] = [
      ['(?=', 'lookahead (?=...)'],
      ['(?!', 'negative lookahead (?!...)'],
      ['(?<=', 'lookbehind (?<=...)'],
      ['(?<!', 'negative lookbehind (?<!...)'],
      ['(?>', 'atomic group (?>...)'],
      ['(?#', 'comment group (?#...)'],
      ['(?|', 'branch reset (?|...)'],
      ['(?P=', 'named backreference (?P=name)'],
      ['(?P>', 'recursion (?P>name)'],
      ['(?R', 'recursion (?R)'],
    ]
    for (const [prefix, what] of refuse) {
      if (rest.startsWith(prefix)) throw new Unsupported(`${what} is not supported by RE2`)
    }
    if (rest.startsWith('(?P<')) {
      this.i += 4
      return '(?<'
    }
    if (rest.startsWith('(?:') || rest.startsWith('(?<')) {
      this.i += 3
      return rest.slice(0, 3)
    }
    if (rest.startsWith('(?')) {
      throw new Unsupported('inline flags are only supported at the start of the pattern, e.g. "(?i)abc"')
    }
    this.i++
    return '('
  }

  /** `{n}`, `{n,}`, `{n,m}` are repeats (at most 1000); any other `{` is a literal, as in RE2. */
  brace(): string {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i))
    if (m === null) {
      this.i++
      return '\\{'
    }
    const min = Number(m[1])
    const max = m[3] === undefined || m[3] === '' ? min : Number(m[3])
    if (min > MAX_REPEAT || max > MAX_REPEAT) throw new Unsupported(`repeat count ${m[0]} is over RE2's limit of ${MAX_REPEAT}`)
    if (m[3] !== undefined && m[3] !== '' && max < min) throw new Unsupported(`invalid repeat count ${m[0]}`)
    this.i += m[0].length
    if (this.src[this.i] === '+') throw new Unsupported(`possessive quantifier ${m[0]}+ is not supported by RE2`)
    return m[0]
  }

  charClass(): string {
    let out = '['
    this.i++
    if (this.src[this.i] === '^') {
      out += '^'
      this.i++
    }
    let first = true
    for (;;) {
      const c = this.src[this.i]
      if (c === undefined) throw new Unsupported('missing closing ] of a character class')
      if (c === ']' && !first) {
        this.i++
        return `${out}]`
      }
      first = false
      if (c === '[' && this.src[this.i + 1] === ':') {
        out += this.posixClass()
      } else if (c === '\\') {
        out += this.escape(true)
      } else if (c === '[' || c === ']') {
        out += `\\${c}`
        this.i++
      } else {
        out += c
        this.i++
      }
    }
  }

  posixClass(): string {
    const m = /^\[:(\^?)([a-z]+):\]/.exec(this.src.slice(this.i))
    if (m === null) {
      this.i++
      return '\\['
    }
    if (m[1] === '^') throw new Unsupported(`negated POSIX class ${m[0]} is not supported by meshdojo`)
    const body = POSIX[m[2]!]
    if (body === undefined) throw new Unsupported(`unknown POSIX class ${m[0]}`)
    this.i += m[0].length
    return body
  }

  escape(inClass: boolean): string {
    const c = this.src[this.i + 1]
    if (c === undefined) throw new Unsupported('trailing backslash')
    this.i += 2
    if (/[1-9]/.test(c)) throw new Unsupported(`backreference \\${c} is not supported by RE2`)
    if (c === '0') return this.octal()
    if ('dDwWsS'.includes(c)) return `\\${c}`
    if ('bB'.includes(c)) {
      if (inClass) throw new Unsupported(`\\${c} is not allowed inside a character class`)
      return `\\${c}`
    }
    if ('tnrfv'.includes(c)) return `\\${c}`
    if (c === 'a') return '\\x07'
    if (c === 'x') return this.hex()
    if (c === 'p' || c === 'P') return this.unicodeClass(c)
    if (!inClass && c === 'A') return '(?<![\\s\\S])'
    if (!inClass && c === 'z') return '(?![\\s\\S])'
    if (!inClass && c === 'Q') return this.quoted()
    if (c === 'k') throw new Unsupported('named backreference \\k<name> is not supported by RE2')
    if (/[A-Za-z]/.test(c)) throw new Unsupported(`invalid escape sequence \\${c}`)
    // RE2 allows escaping any punctuation; JS (with the u flag) only syntax characters.
    if ('^$\\.*+?()[]{}|/'.includes(c) || (inClass && c === '-')) return `\\${c}`
    return c
  }

  octal(): string {
    const m = /^[0-7]{0,2}/.exec(this.src.slice(this.i))![0]
    this.i += m.length
    return `\\x${parseInt(m || '0', 8).toString(16).padStart(2, '0')}`
  }

  hex(): string {
    const rest = this.src.slice(this.i)
    const braced = /^\{([0-9A-Fa-f]{1,6})\}/.exec(rest)
    const plain = /^[0-9A-Fa-f]{2}/.exec(rest)
    if (braced !== null) {
      this.i += braced[0].length
      const cp = parseInt(braced[1]!, 16)
      if (cp > 0x10ffff) throw new Unsupported(`invalid escape sequence \\x${braced[0]}`)
      if (cp <= 0xffff) return `\\u${cp.toString(16).padStart(4, '0')}`
      this.unicode = true
      return `\\u{${cp.toString(16)}}`
    }
    if (plain !== null) {
      this.i += 2
      return `\\x${plain[0]}`
    }
    throw new Unsupported('invalid escape sequence \\x')
  }

  unicodeClass(c: string): string {
    const rest = this.src.slice(this.i)
    const m = /^(\{\^?[A-Za-z_]+\}|[A-Za-z])/.exec(rest)
    if (m === null) throw new Unsupported(`invalid Unicode class \\${c}`)
    this.i += m[0].length
    this.unicode = true
    let name = m[0].startsWith('{') ? m[0].slice(1, -1) : m[0]
    let negated = c === 'P'
    if (name.startsWith('^')) {
      negated = !negated
      name = name.slice(1)
    }
    return `\\${negated ? 'P' : 'p'}{${name}}`
  }

  /** `\Q...\E`: everything in between is literal. */
  quoted(): string {
    const end = this.src.indexOf('\\E', this.i)
    const text = end < 0 ? this.src.slice(this.i) : this.src.slice(this.i, end)
    this.i = end < 0 ? this.src.length : end + 2
    return text.replace(/[\\^$.*+?()[\]{}|/-]/g, (ch) => (ch === '-' ? '-' : `\\${ch}`))
  }
}

/** RE2 rewrite text (`\1` for a group, `\0` the whole match) into JS replacement text; `$` becomes `$$`. */
export function re2RewriteToJs(rewrite: string): string {
  return rewrite.replace(/\$|\\(\\|\d)/g, (m, g: string | undefined) => {
    if (m === '$') return '$$'
    if (g === '\\') return '\\'
    return g === '0' ? '$&' : `$${g}`
  })
}
