/** Tiny bar charts in one line of text (`▁▂▄▇`), for the RPS and p99 trend of each workload. */

const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const

/**
 * The newest `width` values as bars, scaled to the largest of them (or `max` if given), right-aligned
 * so the newest sample is always in the last column. Missing history is blank; zero is the lowest bar.
 */
export function sparkline(values: readonly number[], width: number, max?: number): string {
  if (width <= 0) return ''
  const shown = values.slice(-width)
  const top = max ?? Math.max(0, ...shown)
  const bars = shown.map((v) => {
    if (!(top > 0) || !(v > 0)) return BARS[0]
    return BARS[Math.min(BARS.length - 1, Math.round((v / top) * (BARS.length - 1)))]
  })
  return ' '.repeat(width - shown.length) + bars.join('')
}
