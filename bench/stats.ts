/** Small numeric helpers for the report. */

export function median(values: readonly number[]): number | undefined {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b)
  if (v.length === 0) return undefined
  const mid = Math.floor(v.length / 2)
  return v.length % 2 === 1 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2
}

/** Median of one figure across samples, skipping samples that lack it. */
export function medianOf<T>(samples: readonly T[], pick: (s: T) => number | undefined): number | undefined {
  return median(samples.map(pick).filter((x): x is number => x !== undefined))
}

/** max/min − 1 of a figure across samples: how far apart the passes were. */
export function spread(values: readonly number[]): number | undefined {
  const v = values.filter((x) => Number.isFinite(x) && x > 0)
  if (v.length < 2) return undefined
  return Math.max(...v) / Math.min(...v) - 1
}

export const ratio = (a: number | undefined, b: number | undefined): number | undefined =>
  a === undefined || b === undefined || b === 0 ? undefined : a / b

/**
 * Two passes whose RPS differ by more than 15% have no meaningful median: the bench measures such
 * a configuration a third time.
 */
export const needsTieBreak = (rpsPerPass: readonly number[]): boolean => rpsPerPass.length === 2 && (spread(rpsPerPass) ?? 0) > TIE_BREAK_SPREAD

export const TIE_BREAK_SPREAD = 0.15
