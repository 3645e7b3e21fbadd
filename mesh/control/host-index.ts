/**
 * Host patterns indexed for Istio's matching rule (hosts.ts `hostMatches`), so "which patterns cover this
 * host" costs a few map lookups per host instead of one comparison per pattern. Validation and analysis
 * compare every host with every other one (duplicate hosts, gateway hosts, DestinationRule hosts); with an
 * index that is linear in the number of hosts.
 */

import { hostsOverlap } from './hosts.ts'

/**
 * Exact names in one map; wildcards (`*suffix`) in one map per suffix length, so a host is looked up once
 * per distinct wildcard length (hosts are at most 255 characters, so at most 255 lookups, usually 1 to 3).
 * The first value added for a pattern is kept (patterns compare ignoring case, like hostMatches).
 */
export class HostIndex<T> {
  readonly #exact = new Map<string, T>()
  /** suffix length → suffix (after the `*`) → value. */
  readonly #wildcards = new Map<number, Map<string, T>>()
  #lengths: number[] = []

  add(pattern: string, value: T): void {
    const p = pattern.toLowerCase()
    if (!p.startsWith('*')) {
      if (!this.#exact.has(p)) this.#exact.set(p, value)
      return
    }
    const suffix = p.slice(1)
    let bySuffix = this.#wildcards.get(suffix.length)
    if (bySuffix === undefined) {
      bySuffix = new Map()
      this.#wildcards.set(suffix.length, bySuffix)
      this.#lengths = [...this.#wildcards.keys()].sort((a, b) => a - b)
    }
    if (!bySuffix.has(suffix)) bySuffix.set(suffix, value)
  }

  /** The values of every pattern p with hostMatches(p, host): an equal name, `*`, or a wildcard suffix. */
  covering(host: string): T[] {
    const h = host.toLowerCase()
    const out: T[] = []
    const exact = this.#exact.get(h)
    if (exact !== undefined) out.push(exact)
    // A wildcard host `*.a.b` is covered by the wildcards whose suffix ends `.a.b` (hostMatches compares h.slice(1)).
    const body = h.startsWith('*') ? h.slice(1) : h
    for (const length of this.#lengths) {
      if (length > body.length) break
      const value = this.#wildcards.get(length)!.get(body.slice(body.length - length))
      if (value !== undefined) out.push(value)
    }
    return out
  }

  covers(host: string): boolean {
    return this.covering(host).length > 0
  }
}

/** True if some host of `a` overlaps some host of `b` (hostsOverlap), in time linear in both. */
export function anyOverlap(a: readonly string[], b: readonly string[]): boolean {
  if (a.length * b.length <= 64) return a.some((x) => b.some((y) => hostsOverlap(x, y))) // small: no index needed
  const indexA = new HostIndex<true>()
  for (const h of a) indexA.add(h, true)
  if (b.some((h) => indexA.covers(h))) return true
  const indexB = new HostIndex<true>()
  for (const h of b) indexB.add(h, true)
  return a.some((h) => indexB.covers(h))
}
