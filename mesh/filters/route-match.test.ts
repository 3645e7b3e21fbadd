import { describe, expect, test } from 'vitest'
import { compileMatch } from './route-match.ts'
import { get } from '../../test/support/requests.ts'
import type { HTTPMatchRequest, StringMatch } from '../control/types.ts'

const block = (m: Partial<HTTPMatchRequest>): HTTPMatchRequest => ({ headers: [], withoutHeaders: [], queryParams: [], ignoreUriCase: false, ...m })
const regex = (value: string): StringMatch => ({ kind: 'regex', value, regex: new RegExp(`^(?:${value})$`) })

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
})
