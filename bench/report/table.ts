/** A pipe table (Markdown-compatible), columns padded so it also reads well on a terminal. */

export function table(header: readonly string[], rows: readonly (readonly string[])[], rightAlignFrom = 1): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => (i >= rightAlignFrom ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`
  const rule = `|${widths.map((w, i) => (i >= rightAlignFrom ? `${'-'.repeat(w + 1)}:` : `:${'-'.repeat(w + 1)}`)).join('|')}|`
  return [line(header), rule, ...rows.map((r) => line(header.map((_, i) => r[i] ?? '')))].join('\n')
}

/** Formats a number, or `–` when it is missing. */
export function fmt(value: number | undefined, digits = 0, suffix = ''): string {
  if (value === undefined || !Number.isFinite(value)) return '–'
  const s = digits === 0 ? Math.round(value).toLocaleString('en-US') : value.toFixed(digits)
  return `${s}${suffix}`
}

export const pctOf = (v: number | undefined) => fmt(v === undefined ? undefined : v * 100, 1, '%')
export const mb = (bytes: number | undefined, digits = 1) => fmt(bytes === undefined ? undefined : bytes / 2 ** 20, digits)
export const signed = (v: number | undefined, digits = 3) => (v === undefined || !Number.isFinite(v) ? '–' : `${v >= 0 ? '+' : ''}${v.toFixed(digits)}`)
