import { describe, expect, test } from 'vitest'
import { checkUnreachableL4Rules, checkUnreachableRules } from './unreachable-rules.ts'

function findings(check: (routes: readonly unknown[], field: string, r: never) => void, routes: readonly unknown[], field: string): string[] {
  const out: string[] = []
  const r = { warn: (code: string, f: string, m: string) => void out.push(`${code} ${f}: ${m}`), info: (code: string, f: string, m: string) => void out.push(`${code} ${f}: ${m}`) }
  check(routes, field, r as never)
  return out
}
const http = (routes: readonly unknown[]) => findings(checkUnreachableRules, routes, 'spec.http')
const prefix = (p: string, extra: object = {}) => ({ uri: { prefix: p }, ...extra })

describe('http: a prefix match shadowed by an earlier, broader prefix (IST0131)', () => {
  test('with the same conditions, in a later rule or the same one; each reported once, naming the first', () => {
    expect(http([{ match: [prefix('/api/v1/product')] }, { match: [prefix('/api/v1/products'), prefix('/potato')] }, { match: [prefix('/api/v1/products/x')] }])).toEqual([
      'IST0131 spec.http[1].match[0]: VirtualService rule #1 match #0 of prefix /api/v1/products is not used (duplicate/overlapping match in rule #0 of prefix /api/v1/product on #0).',
      'IST0131 spec.http[2].match[0]: VirtualService rule #2 match #0 of prefix /api/v1/products/x is not used (duplicate/overlapping match in rule #0 of prefix /api/v1/product on #0).',
    ])
    expect(http([{ name: 'r', match: [{ name: 'a', ...prefix('/a') }, { name: 'b', ...prefix('/ab', { method: { exact: 'GET' } }) }] }])).toEqual([
      'IST0131 spec.http[0].match[1]: VirtualService rule "r" match "b" of prefix /ab is not used (duplicate/overlapping match in rule "a" of prefix /a on "r").',
    ])
  })

  test('not when another condition differs, the prefix is the same, the match is exact, or the broader one comes later', () => {
    expect(http([{ match: [prefix('/api', { method: { exact: 'GET' } })] }, { match: [prefix('/api/v1', { method: { exact: 'POST' } })] }])).toEqual([])
    expect(http([{ match: [prefix('/api')] }, { match: [prefix('/api/v1', { headers: { 'end-user': { exact: 'jason' } } })] }])).toEqual([])
    expect(http([{ match: [prefix('/api')] }, { match: [prefix('/api', { port: 8080 })] }])).toEqual([])
    expect(http([{ match: [prefix('/'), { uri: { exact: '/' }, method: { exact: 'GET' } }] }])).toEqual([])
    expect(http([{ match: [prefix('/api/v1')] }, { match: [prefix('/api')] }])).toEqual([])
  })

  test('linear in the number of prefixes: 4,000 distinct ones are quick', () => {
    const routes = Array.from({ length: 4000 }, (_, i) => ({ match: [prefix(`/p${i}/x`, { method: { exact: 'PUT' } })] }))
    const started = performance.now()
    expect(http(routes)).toEqual([])
    expect(performance.now() - started).toBeLessThan(500)
  })
})

describe('tcp and tls routes: the same repeated-match rules, without names', () => {
  test('a repeated match, a rule after a catch-all, and one that repeats only some of its matches', () => {
    expect(findings(checkUnreachableL4Rules, [{ match: [{ port: 31400 }] }, { match: [{ port: 31400 }] }, { match: [{ port: 31400 }, { port: 31401 }] }], 'spec.tcp')).toEqual([
      'IST0131 spec.tcp[1].match[0]: VirtualService rule #1 match #0 is not used (duplicate/overlapping match in rule #0).',
      'IST0130 spec.tcp[1]: VirtualService rule #1 not used (all matches used by prior rules).',
      'IST0131 spec.tcp[2].match[0]: VirtualService rule #2 match #0 is not used (duplicate/overlapping match in rule #0).',
    ])
    expect(findings(checkUnreachableL4Rules, [{ route: [] }, { route: [] }], 'spec.tls')).toEqual([
      'IST0130 spec.tls[1]: VirtualService rule #1 not used (only the last rule can have no matches).',
    ])
  })

  test('distinct matches are fine', () => {
    expect(findings(checkUnreachableL4Rules, [{ match: [{ port: 2443, sniHosts: ['a.com'] }] }, { match: [{ port: 2443, sniHosts: ['b.com'] }] }], 'spec.tls')).toEqual([])
  })
})
