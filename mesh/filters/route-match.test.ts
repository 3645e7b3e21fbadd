import { describe, expect, test } from 'vitest'
import { parseConfig } from '../control/parse/parse-config.ts'
import { compileMatch } from './route-match.ts'
import { get } from '../../test/support/requests.ts'
import type { HTTPMatchRequest, StringMatch, VirtualService } from '../control/types.ts'
import { Re2 } from '../control/parse/regex.ts'

const block = (m: Partial<HTTPMatchRequest>): HTTPMatchRequest => ({ headers: [], withoutHeaders: [], queryParams: [], ignoreUriCase: false, ...m })
const regex = (value: string): StringMatch => ({ kind: 'regex', value, regex: Re2.compile(value) })

describe('route match', () => {
  test('uri exact, prefix and whole-string regex, without the query string', () => {
    expect(compileMatch(block({ uri: { kind: 'exact', value: '/productpage' } }))(get('/productpage?u=test'), 80)).toBe(true)
    expect(compileMatch(block({ uri: { kind: 'prefix', value: '/api/v1/products' } }))(get('/api/v1/products/0'), 80)).toBe(true)
    expect(compileMatch(block({ uri: regex('/reviews/[0-9]') }))(get('/reviews/0'), 80)).toBe(true)
    expect(compileMatch(block({ uri: regex('/reviews/[0-9]') }))(get('/reviews/01'), 80)).toBe(false)
  })

  test('ignoreUriCase applies to exact and prefix', () => {
    expect(compileMatch(block({ uri: { kind: 'exact', value: '/ProductPage' }, ignoreUriCase: true }))(get('/productpage'), 80)).toBe(true)
    expect(compileMatch(block({ uri: { kind: 'exact', value: '/ProductPage' } }))(get('/productpage'), 80)).toBe(false)
  })

  test('headers are case-sensitive values; present; withoutHeaders', () => {
    const jason = block({ headers: [{ name: 'end-user', match: { kind: 'exact', value: 'jason' } }] })
    expect(compileMatch(jason)(get('/', { 'end-user': 'jason' }), 80)).toBe(true)
    expect(compileMatch(jason)(get('/', { 'end-user': 'Jason' }), 80)).toBe(false)
    expect(compileMatch(jason)(get('/'), 80)).toBe(false)
    expect(compileMatch(block({ headers: [{ name: 'x-canary', match: { kind: 'present' } }] }))(get('/', { 'x-canary': '' }), 80)).toBe(true)
    expect(compileMatch(block({ withoutHeaders: [{ name: 'end-user', match: { kind: 'present' } }] }))(get('/', { 'end-user': 'x' }), 80)).toBe(false)
  })

  test('fields in a block are ANDed', () => {
    const both = block({ uri: { kind: 'prefix', value: '/a' }, method: { kind: 'exact', value: 'POST' } })
    expect(compileMatch(both)(get('/a'), 80)).toBe(false)
    expect(compileMatch(both)({ ...get('/a'), method: 'POST' }, 80)).toBe(true)
  })

  test('queryParams: exact "" matches a bare ?key', () => {
    const m = block({ queryParams: [{ name: 'debug', match: { kind: 'exact', value: '' } }] })
    expect(compileMatch(m)(get('/x?debug'), 80)).toBe(true)
    expect(compileMatch(m)(get('/x?debug=1'), 80)).toBe(false)
    expect(compileMatch(m)(get('/x'), 80)).toBe(false)
  })

  test('authority and port', () => {
    expect(compileMatch(block({ authority: { kind: 'prefix', value: 'reviews' } }))(get('/'), 80)).toBe(true)
    expect(compileMatch(block({ port: 9080 }))(get('/'), 9080)).toBe(true)
    expect(compileMatch(block({ port: 9080 }))(get('/'), 80)).toBe(false)
  })

  // Parsed from YAML, as a user writes it. A backtracking engine needs 2^30 steps for this header (seconds);
  // RE2 answers in one pass.
  test('a header regex with nested quantifiers answers at once on a crafted value', { timeout: 1_000 }, () => {
    const yaml = 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: r}\nspec:\n  hosts: [reviews]\n  http:\n  - match: [{headers: {x-token: {regex: "(a+)+"}}}]\n    route: [{destination: {host: reviews}}]\n'
    const vs = parseConfig(yaml, 'vs.yaml').resources[0] as VirtualService
    const matches = compileMatch(vs.spec.http[0]!.match[0]!)
    expect(matches(get('/', { 'x-token': `${'a'.repeat(30)}!` }), 80)).toBe(false)
    expect(matches(get('/', { 'x-token': 'aaaa' }), 80)).toBe(true)
  })
})
