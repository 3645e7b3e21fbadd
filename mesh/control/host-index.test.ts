import { describe, expect, test } from 'vitest'
import { HostIndex } from './host-index.ts'
import { hostMatches } from './hosts.ts'

/** Deterministic host names over a tiny alphabet, so suffixes collide often. */
function hosts(seed: number, n: number): string[] {
  let s = seed
  const next = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32)
  const label = () => ['a', 'b', 'ab', 'ba', 'foo', 'xfoo'][Math.floor(next() * 6)]!
  return Array.from({ length: n }, () => {
    const labels = Array.from({ length: 1 + Math.floor(next() * 3) }, label)
    const r = next()
    if (r < 0.1) return '*'
    if (r < 0.35) return `*.${labels.join('.')}`
    if (r < 0.45) return `*${labels.join('.')}`
    return (r < 0.5 ? labels.join('.').toUpperCase() : labels.join('.'))
  })
}

describe('HostIndex', () => {
  test('covering(h) is exactly the patterns p with hostMatches(p, h), first value per pattern', () => {
    const patterns = hosts(1, 300)
    const index = new HostIndex<number>()
    const first = new Map<string, number>()
    patterns.forEach((p, i) => {
      index.add(p, i)
      if (!first.has(p.toLowerCase())) first.set(p.toLowerCase(), i)
    })
    for (const h of hosts(2, 300)) {
      const expected = [...first].filter(([p]) => hostMatches(p, h)).map(([, i]) => i).sort((a, b) => a - b)
      expect([...index.covering(h)].sort((a, b) => a - b), h).toEqual(expected)
      expect(index.covers(h), h).toBe(expected.length > 0)
    }
  })

  test('an empty index covers nothing', () => {
    expect(new HostIndex<number>().covering('reviews')).toEqual([])
  })
})
