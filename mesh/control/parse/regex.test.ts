import { describe, expect, test } from 'vitest'
import { compileAnchored, compileSearch, re2RewriteToJs, translateRe2 } from './regex.ts'
import { Reporter } from './reporter.ts'

const anchored = (re: string) => compileAnchored(re, 'f', new Reporter(undefined))

describe('RE2 regexes', () => {
  test('StringMatch regexes must match the whole string (RE2 full match)', () => {
    const re = anchored('/api/v[0-9]+')!
    expect(re.test('/api/v1')).toBe(true)
    expect(re.test('/api/v1/extra')).toBe(false)
    expect(re.test('x/api/v1')).toBe(false)
    expect(anchored('a|b')!.test('ab')).toBe(false) // the alternation is grouped before anchoring
  })

  test.each([
    ['(?P<ver>v\\d+)', 'v12', true],
    ['(?i)jason', 'JASON', true],
    ['[]a]+', ']a]', true],
    ['[[:digit:]]{3}', '123', true],
    ['\\pL+', 'héllo', true],
    ['\\Q1.5\\E', '1.5', true],
    ['\\Q1.5\\E', '105', false],
    ['\\x{263a}', '\u263a', true],
    ['a{2}', 'aa', true],
    ['\\Ab\\z', 'b', true],
    ['(?m)a$', 'a', true],
  ])('%s translates (%s → %s)', (re, input, expected) => {
    expect(anchored(re)!.test(input)).toBe(expected)
  })

  test.each([
    ['(?=a)a', 'lookahead'],
    ['(?<=a)b', 'lookbehind'],
    ['(a)\\1', 'backreference'],
    ['\\k<x>', 'named backreference'],
    ['a++', 'possessive'],
    ['a{1001}', 'limit of 1000'],
    ['(?i:a)', 'inline flags are only supported at the start'],
    ['\\e', 'invalid escape'],
    ['(', 'Unterminated group'],
    ['*', 'Nothing to repeat'],
    ['x'.repeat(1025), 'too large'],
  ])('%s is rejected (%s)', (re, why) => {
    const t = translateRe2(re)
    expect(t.ok).toBe(false)
    expect(!t.ok && t.reason).toContain(why)
  })

  test('errors point to RE2 syntax', () => {
    const r = new Reporter(undefined)
    expect(compileAnchored('(?!x)', 'spec.http[0].match[0].uri.regex', r)).toBeUndefined()
    expect(r.diagnostics()[0]).toMatchObject({
      code: 'MD0114',
      field: 'spec.http[0].match[0].uri.regex',
      message: 'invalid regex "(?!x)": negative lookahead (?!...) is not supported by RE2; Istio uses RE2 syntax (https://github.com/google/re2/wiki/Syntax)',
    })
  })

  test('a frozen regex still works (non-global regexes never write lastIndex)', () => {
    const re = Object.freeze(anchored('a.c')!)
    expect(re.test('abc')).toBe(true)
    expect(re.test('zzz')).toBe(false)
    expect('abc'.replace(re, 'x')).toBe('x')
  })

  test('uriRegexRewrite: unanchored search, RE2 rewrite syntax turned into JS replacement syntax', () => {
    const re = compileSearch('^/v1/([^/]+)', 'f', new Reporter(undefined))!
    const rewrite = re2RewriteToJs('/v2/\\1/$')
    expect(rewrite).toBe('/v2/$1/$$')
    expect('/v1/books/7'.replace(new RegExp(re.source, `${re.flags}g`), rewrite)).toBe('/v2/books/$/7')
    expect(re2RewriteToJs('\\0-\\\\')).toBe('$&-\\')
  })
})
