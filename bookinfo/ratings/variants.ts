/** How each ratings build answers a GET: Istio's v1, v-faulty, v-delayed and v-unavailable. */
import type { Random } from '../../mesh/random.ts'

export type RatingsVariant = 'v1' | 'faulty' | 'delayed' | 'unavailable'

export type Outcome =
  | { readonly kind: 'normal' }
  | { readonly kind: 'unavailable' }
  | { readonly kind: 'delayed'; readonly delayMs: number }

export interface VariantDeps {
  readonly variant: RatingsVariant
  readonly random: Random
  readonly delayMs: number
  readonly unavailableToggleMs: number | undefined
  readonly now: () => number
  /** `now()` when the app was built; the toggle counts from here, as Istio's setInterval does. */
  readonly startedAt: number
}

const NORMAL: Outcome = { kind: 'normal' }
const UNAVAILABLE: Outcome = { kind: 'unavailable' }

/** Returns the per-request decision; one random draw per GET for faulty and delayed, none otherwise. */
export function chooseOutcome(deps: VariantDeps): () => Outcome {
  // ratings.js tests `Math.random() <= 0.5`, so exactly 0.5 counts as a hit
  const coinFlip = () => deps.random() <= 0.5
  switch (deps.variant) {
    case 'v1':
      return () => NORMAL
    case 'faulty':
      return () => (coinFlip() ? UNAVAILABLE : NORMAL)
    case 'delayed': {
      const delayed: Outcome = { kind: 'delayed', delayMs: deps.delayMs }
      return () => (coinFlip() ? delayed : NORMAL)
    }
    case 'unavailable':
      return () => (isDown(deps) ? UNAVAILABLE : NORMAL)
  }
}

/** Derived from elapsed time rather than a flipping interval, so there is no timer to clean up. */
function isDown(deps: VariantDeps): boolean {
  if (deps.unavailableToggleMs === undefined) return true
  const periods = Math.floor((deps.now() - deps.startedAt) / deps.unavailableToggleMs)
  return periods % 2 === 1
}
