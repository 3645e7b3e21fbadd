/**
 * Bounded YAML reading: each limit, and each YAML feature plain JSON data cannot hold, is one diagnostic
 * with a code and (where there is one) the field path; nothing throws, nothing takes long.
 */
import { describe, expect, test } from 'vitest'
import { formatDiagnostic } from '../diagnostics.ts'
import type { Diagnostic } from '../types.ts'
import { CONFIG_LIMITS, splitDocuments } from './documents.ts'
import { parseConfig } from './parse-config.ts'

const vs = (spec: string) => `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: ratings\nspec:\n${spec}\n`
const ROUTE = '  http:\n  - route:\n    - destination:\n        host: ratings\n'
const errorsOf = (text: string): Diagnostic[] => parseConfig(text, 'f.yaml').diagnostics.filter((d) => d.level === 'Error')
/** Runs `fn`, failing if it takes longer than `ms` (the guard against quadratic or exponential work). */
function quickly<T>(ms: number, fn: () => T): T {
  const started = performance.now()
  const out = fn()
  expect(performance.now() - started).toBeLessThan(ms)
  return out
}

describe('size limits', () => {
  test(`more than ${CONFIG_LIMITS.maxBytes} bytes: one MD0007 naming the file, without parsing`, () => {
    const big = `# ${'x'.repeat(CONFIG_LIMITS.maxBytes)}\n`
    const [error, ...rest] = quickly(50, () => errorsOf(big))
    expect(rest).toEqual([])
    expect(error).toMatchObject({ code: 'MD0007', source: { file: 'f.yaml', document: 1 } })
    expect(formatDiagnostic(error!)).toMatch(/^Error \[MD0007\] config is \d+ bytes; at most 1048576 \(1 MiB\) per apply \(f\.yaml, document 1\)$/)
  })

  test('the byte limit counts UTF-8 bytes, not characters', () => {
    const chars = Math.floor(CONFIG_LIMITS.maxBytes / 2) + 10
    expect(errorsOf(`# ${'é'.repeat(chars)}\n`).map((d) => d.code)).toEqual(['MD0007'])
  })

  test(`${CONFIG_LIMITS.maxResources} resources pass; one more is MD0008 at that document`, () => {
    const doc = (i: number) => `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: r${i}}\nspec: {host: ratings}\n`
    const docs = (n: number) => Array.from({ length: n }, (_, i) => doc(i)).join('---\n')
    expect(errorsOf(docs(CONFIG_LIMITS.maxResources))).toEqual([])
    const errors = errorsOf(docs(CONFIG_LIMITS.maxResources + 1))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ code: 'MD0008', source: { file: 'f.yaml', document: CONFIG_LIMITS.maxResources + 1 } })
  })

  test('List items count as resources', () => {
    const items = Array.from({ length: CONFIG_LIMITS.maxResources + 1 }, (_, i) => `- {apiVersion: networking.istio.io/v1, kind: DestinationRule, metadata: {name: r${i}}, spec: {host: ratings}}`)
    const errors = errorsOf(`apiVersion: v1\nkind: List\nitems:\n${items.join('\n')}\n`)
    expect(errors.map((d) => [d.code, d.field])).toEqual([['MD0008', `items[${CONFIG_LIMITS.maxResources}]`]])
  })

  test('a flood of empty documents is cut short', () => {
    const { diagnostics } = quickly(1_000, () => splitDocuments('a: 1\n---\n'.repeat(100_000), 'f.yaml'))
    expect(diagnostics.map((d) => d.code)).toEqual(['MD0008'])
  })
})

describe('aliases', () => {
  const BOMB = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ...'bcdefghi'.split('').map((n, i) => `${n}: &${n} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`)].join('\n')

  test('a billion-laughs bomb is one MD0009, found fast', () => {
    const errors = quickly(200, () => errorsOf(BOMB))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ code: 'MD0009', source: { file: 'f.yaml', document: 1 } })
    expect(errors[0]!.message).toContain(`${CONFIG_LIMITS.maxAliasedValues}`)
    expect(errors[0]!.field).toMatch(/^[a-i]\[\d\]$/)
  })

  test(`${CONFIG_LIMITS.maxAliases} alias references pass; one more is MD0009`, () => {
    const refs = (n: number) => vs(`  hosts: [&h ratings${',*h'.repeat(n)}]\n${ROUTE}`)
    expect(errorsOf(refs(CONFIG_LIMITS.maxAliases)).map((d) => d.code)).toEqual(['MD0118']) // the duplicates, not the aliases
    expect(errorsOf(refs(CONFIG_LIMITS.maxAliases + 1))).toEqual([
      expect.objectContaining({ code: 'MD0009', field: `spec.hosts[${CONFIG_LIMITS.maxAliases + 1}]`, kind: 'VirtualService', name: 'ratings' }),
    ])
  })

  test('aliases that expand past the value budget are MD0009 even with few references', () => {
    const list = `[${Array(6000).fill('x').join(',')}]`
    expect(errorsOf(`a: &big ${list}\nb: *big\nc: *big\n`).map((d) => [d.code, d.field])).toEqual([['MD0009', 'c']])
  })

  test('an alias inside its own anchor, and an alias to nothing, are MD0011', () => {
    expect(errorsOf('a: &a [1, *a]\n').map((d) => [d.code, d.field])).toEqual([['MD0011', 'a[1]']])
    expect(errorsOf('a: *nowhere\n').map((d) => d.code)).toEqual(expect.arrayContaining(['MD0011']))
  })

  test('an ordinary anchor and alias still work', () => {
    const { resources, diagnostics } = parseConfig(vs(`  hosts: [ratings]\n  http:\n  - route:\n    - destination: &d {host: ratings}\n      weight: 50\n    - destination: *d\n      weight: 50\n`), 'f.yaml')
    expect(diagnostics).toEqual([])
    expect(resources).toHaveLength(1)
  })
})

describe('nesting depth', () => {
  test('flow nesting far past the limit is one MD0010, fast', () => {
    const errors = quickly(1_000, () => errorsOf(vs(`  hosts: ${'['.repeat(200_000)}${']'.repeat(200_000)}\n${ROUTE}`)))
    expect(errors.map((d) => d.code)).toEqual(['MD0010'])
  })

  test(`block nesting: ${CONFIG_LIMITS.maxDepth} levels pass, one more is MD0010 with the path`, () => {
    const nested = (levels: number) => Array.from({ length: levels }, (_, i) => `${'  '.repeat(i)}a:`).join('\n') + ' 1\n'
    expect(errorsOf(nested(CONFIG_LIMITS.maxDepth)).filter((d) => d.code === 'MD0010')).toEqual([])
    const [error] = errorsOf(nested(CONFIG_LIMITS.maxDepth + 1))
    expect(error).toMatchObject({ code: 'MD0010', field: Array(CONFIG_LIMITS.maxDepth).fill('a').join('.') })
  })
})

describe('YAML that plain JSON data cannot hold is an Error with the field path', () => {
  test.each([
    { what: '!!binary', host: '!!binary cmF0aW5ncw==', says: '!!binary' },
    { what: '!!timestamp', host: '!!timestamp 2001-12-14', says: '!!timestamp' },
    { what: '!!set', host: '!!set {ratings}', says: '!!set' },
    { what: '!!omap', host: '!!omap [{a: 1}]', says: '!!omap' },
    { what: '!!pairs', host: '!!pairs [{a: 1}]', says: '!!pairs' },
    { what: 'a custom tag', host: '!foo ratings', says: '!foo' },
    { what: 'a verbatim tag', host: '!<tag:example.com,2000:x> ratings', says: 'tag:example.com,2000:x' },
    { what: 'an !!int that is not one', host: '!!int ratings', says: '!!int' },
  ])('$what', ({ host, says }) => {
    const errors = errorsOf(vs(`  hosts:\n  - ${host}\n${ROUTE}`))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ code: 'MD0011', field: 'spec.hosts[0]', kind: 'VirtualService', name: 'ratings', source: { file: 'f.yaml', document: 1 } })
    expect(errors[0]!.message).toContain(says)
  })

  test('!!str and the non-specific tag are plain strings', () => {
    expect(errorsOf(vs(`  hosts: [!!str ratings, ! reviews]\n${ROUTE}`))).toEqual([])
  })

  test.each(['.nan', '.inf', '-.inf', '1e400'])('%s is MD0101 at its field', (value) => {
    const errors = errorsOf(vs(`  hosts: [ratings]\n  http:\n  - route:\n    - destination: {host: ratings}\n      weight: ${value}\n`))
    expect(errors).toEqual([expect.objectContaining({ code: 'MD0101', field: 'spec.http[0].route[0].weight', message: expect.stringContaining(value) })])
  })

  test('__proto__ as a key is MD0011 and pollutes nothing', () => {
    const errors = errorsOf(vs(`  __proto__: {polluted: true}\n  hosts: [ratings]\n${ROUTE}`))
    expect(errors).toEqual([expect.objectContaining({ code: 'MD0011', field: 'spec.__proto__' })])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  test('keys must be strings; numbers and booleans are read as their text', () => {
    expect(errorsOf('a:\n  ? [x, y]\n  : 1\n')).toEqual([expect.objectContaining({ code: 'MD0011', field: 'a' })])
    expect(errorsOf('a:\n  ~: 1\n')).toEqual([expect.objectContaining({ code: 'MD0011', field: 'a' })])
    const { documents } = splitDocuments('a: {1: x, true: y}\n', 'f.yaml')
    expect(documents[0]!.value).toEqual({ a: { 1: 'x', true: 'y' } })
  })

  test(`a key longer than ${CONFIG_LIMITS.maxKeyChars} characters is MD0011 at its mapping`, () => {
    // The yaml package already refuses implicit keys over 1024 characters; an explicit key (`? key`) is not.
    const errors = errorsOf(vs(`  ? ${'k'.repeat(CONFIG_LIMITS.maxKeyChars + 1)}\n  : 1\n  hosts: [ratings]\n${ROUTE}`))
    expect(errors).toEqual([expect.objectContaining({ code: 'MD0011', field: 'spec' })])
    expect(errors[0]!.message.length).toBeLessThan(300)
  })

  test('a key written twice is MD0001 with its path and both lines', () => {
    const errors = errorsOf(vs(`  hosts: [ratings]\n  hosts: [reviews]\n${ROUTE}`))
    expect(errors).toEqual([expect.objectContaining({ code: 'MD0001', field: 'spec.hosts', message: expect.stringMatching(/"hosts" .*line 7.*line 6/) })])
  })

  test('problems found while reading are capped per document, with one summary', () => {
    const hosts = Array.from({ length: 300 }, () => '  - !!binary cmF0aW5ncw==').join('\n')
    const errors = errorsOf(vs(`  hosts:\n${hosts}\n${ROUTE}`))
    expect(errors).toHaveLength(CONFIG_LIMITS.maxDiagnosticsPerDocument + 1)
    expect(errors.at(-1)).toMatchObject({ code: 'MD0012', message: expect.stringContaining('200 more') })
  })
})

describe('never throws', () => {
  test.each([
    ['an unclosed flow', 'a: [1, 2'],
    ['tabs', 'a:\n\t- b'],
    ['a lone alias', '*a'],
    ['directives', '%YAML 1.1\n---\na: 2001-12-14\n'],
    ['YAML 1.1 merge keys', '%YAML 1.1\n---\nbase: &b {x: 1}\nm:\n  <<: *b\n'],
    ['a BOM and NULs', '\uFEFFa: "\u0000"\n'],
    ['lone surrogates', 'a: "\\ud800"\n'],
    ['a huge integer', `a: ${'9'.repeat(5000)}\n`],
    ['a long string', `a: ${'x'.repeat(500_000)}\n`],
    ['many small documents', '---\n'.repeat(20_000)],
    ['only comments', '# nothing\n'],
    ['an empty string', ''],
  ])('%s', (_what, text) => {
    const { diagnostics } = quickly(2_000, () => parseConfig(text, 'f.yaml'))
    for (const d of diagnostics) expect(typeof formatDiagnostic(d)).toBe('string')
  })
})
