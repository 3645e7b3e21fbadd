/**
 * Load-balancing algorithms of DestinationRule `loadBalancer`. LEAST_REQUEST is Istio's default and,
 * with equal weights, Envoy implements it as "power of two choices" over active request counts.
 */
import type { Random } from '../random.ts'
import { hashString } from '../random.ts'
import type { SimpleLB } from '../control/types.ts'

export interface BalancedHost {
  readonly address: string
}

/** Picks one of `hosts` (never empty). `hashKey` is set when consistent hashing applies. */
export interface Algorithm {
  pick<H extends BalancedHost>(hosts: readonly H[], hashKey?: string): H
}

export function algorithm(kind: SimpleLB | 'CONSISTENT_HASH', random: Random, active: (address: string) => number): Algorithm {
  switch (kind) {
    case 'ROUND_ROBIN':
      return roundRobin()
    case 'RANDOM':
    case 'PASSTHROUGH': // no original destination here; spread like RANDOM
      return { pick: (hosts) => hosts[Math.floor(random() * hosts.length)]! }
    case 'CONSISTENT_HASH':
      return rendezvous(random)
    case 'LEAST_REQUEST':
      return powerOfTwoChoices(random, active)
  }
}

function roundRobin(): Algorithm {
  let next = 0
  return {
    pick(hosts) {
      const host = hosts[next % hosts.length]!
      next = (next + 1) % 1_000_000_007
      return host
    },
  }
}

/** Envoy's LEAST_REQUEST with equal weights: two random candidates, the one with fewer active requests. */
function powerOfTwoChoices(random: Random, active: (address: string) => number): Algorithm {
  return {
    pick(hosts) {
      if (hosts.length === 1) return hosts[0]!
      const a = hosts[Math.floor(random() * hosts.length)]!
      const b = hosts[Math.floor(random() * hosts.length)]!
      return active(b.address) < active(a.address) ? b : a
    },
  }
}

/**
 * Consistent hashing by rendezvous (highest random weight): the same key keeps going to the same
 * host, and only keys of a removed host move. Without a key it falls back to random, as Envoy does.
 */
function rendezvous(random: Random): Algorithm {
  return {
    pick(hosts, hashKey) {
      if (hashKey === undefined) return hosts[Math.floor(random() * hosts.length)]!
      let best = hosts[0]!
      let bestScore = -1
      for (const host of hosts) {
        const score = hashString(`${hashKey}|${host.address}`)
        if (score > bestScore) {
          best = host
          bestScore = score
        }
      }
      return best
    },
  }
}
