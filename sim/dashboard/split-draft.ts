/**
 * The `s` dialog: weights for reviews v1/v2/v3 edited with the arrow keys, always adding up to 100.
 * ←/→ move the selected version by 10; what it gains or loses comes from (goes to) the others,
 * last version first, so the total never changes.
 */
export interface SplitDraft {
  readonly service: string
  readonly versions: readonly string[]
  readonly weights: readonly number[]
  readonly selected: number
}

/** Starts from the weights in force, or an even split when the service has no routing yet. */
export function openSplit(service: string, versions: readonly string[], current?: Readonly<Record<string, number>>): SplitDraft {
  const known = current && versions.some((v) => (current[v] ?? 0) > 0)
  const weights = known ? versions.map((v) => current![v] ?? 0) : evenly(versions.length)
  return { service, versions, weights: normalise(weights), selected: 0 }
}

function evenly(n: number): number[] {
  const base = Math.floor(100 / n)
  return Array.from({ length: n }, (_, i) => base + (i < 100 - base * n ? 1 : 0))
}

/** Whole numbers adding up to exactly 100 (rounding leftovers go to the first version). */
function normalise(weights: readonly number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0)
  if (total <= 0) return evenly(weights.length)
  const scaled = weights.map((w) => Math.round((w / total) * 100))
  scaled[0]! += 100 - scaled.reduce((a, b) => a + b, 0)
  return scaled
}

export function moveSelection(d: SplitDraft, by: number): SplitDraft {
  const n = d.versions.length
  return { ...d, selected: (d.selected + by + n) % n }
}

/** Changes the selected weight by `delta` (clamped), taking from or giving to the others. */
export function adjust(d: SplitDraft, delta: number): SplitDraft {
  const weights = [...d.weights]
  const target = Math.min(100, Math.max(0, weights[d.selected]! + delta))
  let rest = target - weights[d.selected]!
  weights[d.selected] = target
  const others = weights.map((_, i) => i).filter((i) => i !== d.selected).reverse()
  for (const i of others) {
    if (rest === 0) break
    const take = rest > 0 ? Math.min(rest, weights[i]!) : Math.max(rest, weights[i]! - 100)
    weights[i]! -= take
    rest -= take
  }
  return { ...d, weights }
}

/** Everything to one version (digit keys 1, 2, 3). */
export const allTo = (d: SplitDraft, index: number): SplitDraft =>
  index < 0 || index >= d.versions.length ? d : { ...d, selected: index, weights: d.versions.map((_, i) => (i === index ? 100 : 0)) }

/** The weights as `:split` takes them, zero weights left out. */
export const draftWeights = (d: SplitDraft): Record<string, number> =>
  Object.fromEntries(d.versions.map((v, i) => [v, d.weights[i]!] as const).filter(([, w]) => w > 0))
