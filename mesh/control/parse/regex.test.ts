import { describe, expect, test } from 'vitest'
import { deepFreeze } from '../freeze.ts'
import { compileFullMatch, compileRe2, compileRewrite, Re2 } from './regex.ts'
import { Reporter } from './reporter.ts'

const full = (re: string) => compileFullMatch(re, 'f', new Reporter(undefined))!
const rewriter = (match: string, rewrite: string, r = new Reporter(undefined)) => compileRewrite(match, rewrite, { match: 'm', rewrite: 'w' }, r)!

describe('RE2 regexes', () => {
  test('StringMatch regexes must match the whole string (RE2 full match)', () => {
    const re = full('/api/v[0-9]+')
    expect(re.source).toBe('/api/v[0-9]+')
    expect(re.matches('/api/v1')).toBe(true)
    expect(re.matches('/api/v1/extra')).toBe(false)
    expect(re.matches('x/api/v1')).toBe(false)
    expect(full('a|b').matches('ab')).toBe(false) // the alternation is grouped before anchoring
    expect(full('a|ab').matches('ab')).toBe(true) // full match is not "the first alternative, then check the end"
  })

  // A backtracking engine takes 2^n steps here: 14 s for the 31-byte header of issue 15, hours for 40.
  test('(a+)+ on the 31-byte header from the issue answers at once', { timeout: 1_000 }, () => {
    expect(full('(a+)+').matches(`${'a'.repeat(30)}!`)).toBe(false)
    expect(full('(a+)+$').matches('a'.repeat(30))).toBe(true)
  })

  test('matching is linear in the input: nested quantifiers on 100,000 characters', { timeout: 1_000 }, () => {
    const long = `${'a'.repeat(100_000)}!`
    expect(full('(a+)+').matches(long)).toBe(false)
    expect(full('(a|aa)*').matches(long)).toBe(false)
    expect(full('(.*a){20}').matches(long)).toBe(false)
    expect(full('(a+)+!').matches(long)).toBe(true)
    expect(rewriter('(a+)+b', 'x').replaceAll(long)).toBe(long)
  })

  test.each([
    ['(?P<ver>v\\d+)', 'v12', true],
    ['(?<ver>v\\d+)', 'v12', true],
    ['(?i)jason', 'JASON', true],
    ['user-(?i:jason)', 'user-JASON', true], // inline flags anywhere, as in RE2
    ['(?i:J)ason', 'jASON', false],
    ['(?U)a+', 'aaa', true],
    ['[]a]+', ']a]', true],
    ['[[:digit:]]{3}', '123', true],
    ['[[:^alpha:]]+', '12-', true],
    ['\\pL+', 'héllo', true],
    ['\\p{Greek}+', 'αβγ', true],
    ['\\Q1.5\\E', '1.5', true],
    ['\\Q1.5\\E', '105', false],
    ['\\x{263a}', '\u263a', true],
    ['a{2}', 'aa', true],
    ['a{1000}', 'a'.repeat(1000), true],
    ['\\Ab\\z', 'b', true],
    ['(?m)a$', 'a', true],
    ['(?s)a.b', 'a\nb', true],
    ['a.b', 'a\nb', false],
  ])('%s is RE2 (%s → %s)', (re, input, expected) => {
    expect(full(re).matches(input)).toBe(expected)
  })

  test.each([
    ['(?=a)a', 'lookahead (?=...) is not supported by RE2'],
    ['(?!x)', 'negative lookahead (?!...) is not supported by RE2'],
    ['(?<=a)b', 'lookbehind (?<=...) is not supported by RE2'],
    ['(?<!a)b', 'negative lookbehind (?<!...) is not supported by RE2'],
    ['(?>a)', 'atomic group'],
    ['(a)\\1', 'backreference \\1 is not supported by RE2'],
    ['(?P<n>a)(?P=n)', 'named backreference (?P=name)'],
    ['\\k<x>', 'named backreference \\k<name>'],
    ['a++', 'possessive quantifier ++ is not supported by RE2'],
    ['a{2}+', 'possessive quantifier {2}+'],
    ['a**', 'invalid nested repetition operator: `**`'],
    ['a{1001}', "repeat count {1001} is over RE2's limit of 1000"],
    ['(a{100}){100}', "takes nested repeats over RE2's limit of 1000"],
    ['a{2,1}', 'invalid repeat count: `{2,1}`'],
    ['\\e', 'invalid escape sequence \\e'],
    ['\\C', 'invalid escape sequence \\C'],
    ['(', 'missing closing ): `(`'],
    ['a)', 'unexpected ): `a)`'],
    ['*', 'missing argument to repetition operator: `*`'],
    ['[[:foo:]]', 'invalid character class range'],
    ['x'.repeat(1025), 'regex is too large, max length allowed is 1024'],
  ])('%s is rejected (%s)', (re, why) => {
    const c = compileRe2(re)
    expect(c.ok).toBe(false)
    expect(!c.ok && c.reason).toContain(why)
  })

  test('errors name the field and point to RE2 syntax', () => {
    const r = new Reporter(undefined)
    expect(compileFullMatch('(?!x)', 'spec.http[0].match[0].uri.regex', r)).toBeUndefined()
    expect(compileFullMatch('', 'spec.http[0].match[1].uri.regex', r)).toBeUndefined()
    expect(r.diagnostics()).toMatchObject([
      {
        code: 'MD0114',
        field: 'spec.http[0].match[0].uri.regex',
        message: 'invalid regex "(?!x)": negative lookahead (?!...) is not supported by RE2; Istio uses RE2 syntax (https://github.com/google/re2/wiki/Syntax)',
      },
      { code: 'MD0114', field: 'spec.http[0].match[1].uri.regex', message: 'regex must not be empty' },
    ])
  })

  test('a deep-frozen regex still matches (the engine caches it fills sit out of deepFreeze reach)', () => {
    const spec = deepFreeze({ regex: full('a.c'), rewrite: rewriter('b', 'x') })
    expect(spec.regex.matches('abc')).toBe(true)
    expect(spec.regex.matches('zzz')).toBe(false)
    expect(spec.rewrite.replaceAll('abcb')).toBe('axcx')
    expect(Object.isFrozen(spec.regex)).toBe(true)
  })

  test('Re2 for code-built patterns: partial match, and case-insensitive on request', () => {
    expect(Re2.compile('FI|UO', { ignoreCase: true }).test('… 500 fi 0ms')).toBe(true)
    expect(Re2.compile('FI|UO').test('… 500 fi 0ms')).toBe(false)
    expect(() => Re2.compile('(?=x)')).toThrow()
  })
})

describe('uriRegexRewrite (RE2::GlobalReplace, what Envoy regex_rewrite runs)', () => {
  test('searches anywhere; \\1 is a group, \\0 the whole match, \\\\ a backslash, $ is literal', () => {
    const re = rewriter('^/v1/([^/]+)', '/v2/\\1/$')
    expect(re).toMatchObject({ match: '^/v1/([^/]+)', rewrite: '/v2/\\1/$' })
    expect(re.replaceAll('/v1/books/7')).toBe('/v2/books/$/7')
    expect(rewriter('o+', '<\\0>-\\\\').replaceAll('foo')).toBe('f<oo>-\\')
    expect(rewriter('x', 'y').replaceAll('abc')).toBe('abc')
  })

  test('replaces every non-overlapping match; ^ still means the start of the path', () => {
    expect(rewriter('/v1', '/v2').replaceAll('/v1/a/v1')).toBe('/v2/a/v2')
    expect(rewriter('^/v1', '/v2').replaceAll('/v1/v1')).toBe('/v2/v1')
    expect(rewriter('^/service/([^/]+)(/.*)$', '\\2/instance/\\1').replaceAll('/service/foo/v1/api')).toBe('/v1/api/instance/foo')
  })

  test('a group number is one digit, as in RE2: \\10 is group 1 then "0"', () => {
    const ten = '(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)'
    expect(rewriter(ten, '\\10').replaceAll('abcdefghij')).toBe('a0')
    expect(rewriter('(a)(b)?', '[\\2]').replaceAll('a')).toBe('[]') // an unmatched group is empty
  })

  test('no empty match right after the previous match (RE2, unlike JS and Java)', () => {
    expect(rewriter('a*', '-').replaceAll('baaac')).toBe('-b-c-')
    expect(rewriter('x*', '-').replaceAll('😀b')).toBe('-😀-b-') // skips a whole code point
  })

  test('a rewrite naming a group the regex lacks leaves the path unchanged, and says so', () => {
    const r = new Reporter(undefined)
    expect(rewriter('/v1/(.*)', '/v2/\\2', r).replaceAll('/v1/x')).toBe('/v1/x')
    expect(r.diagnostics()).toMatchObject([{ level: 'Warning', code: 'MD0114', field: 'w', message: 'refers to \\2 but the match regex has 1 capture group; Envoy leaves the path unchanged' }])
  })

  test('an invalid escape in the rewrite drops the rest of it, as RE2::Rewrite stops there, and says so', () => {
    const r = new Reporter(undefined)
    expect(rewriter('b', 'x\\ny', r).replaceAll('abc')).toBe('axc')
    expect(r.diagnostics()[0]).toMatchObject({ level: 'Warning', code: 'MD0114', message: expect.stringContaining('Envoy drops the rest of the rewrite from "\\\\ny"') })
  })

  test('the match regex is checked like any other', () => {
    const r = new Reporter(undefined)
    expect(compileRewrite('(a)\\1', 'x', { match: 'spec.http[0].rewrite.uriRegexRewrite.match', rewrite: 'w' }, r)).toBeUndefined()
    expect(r.diagnostics()[0]).toMatchObject({ code: 'MD0114', field: 'spec.http[0].rewrite.uriRegexRewrite.match', message: expect.stringContaining('backreference \\1') })
  })
})
