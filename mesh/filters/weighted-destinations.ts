/**
 * Weighted destinations of a route: each request goes to one destination with probability
 * weight / sum(weights), drawn from the seeded random source, so a seeded run splits the same way.
 */
import type { Handler } from '../filter.ts'
import type { Random } from '../random.ts'

export interface WeightedHandler {
  readonly weight: number
  readonly handler: Handler
}

export function weightedDestinations(choices: readonly WeightedHandler[], random: Random): Handler {
  const live = choices.filter((c) => c.weight > 0)
  if (live.length === 1) return live[0]!.handler
  const total = live.reduce((sum, c) => sum + c.weight, 0)
  return function weightedDestinationsHandler(req) {
    let point = random() * total
    for (const choice of live) {
      point -= choice.weight
      if (point < 0) return choice.handler(req)
    }
    return live[live.length - 1]!.handler(req)
  }
}
