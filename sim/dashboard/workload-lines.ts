/**
 * The workloads table as styled lines for a given width: `linkerd viz stat` columns, a health dot
 * in Kiali's colours, and RPS / p99 sparklines when there is room. Narrow screens lose the
 * sparklines first, then VERSION, then P50 and P95.
 */
import { fit, seg, width as textWidth, type Line, type Segment, type Tone } from './segments.ts'
import { sparkline } from './sparkline.ts'
import type { Health, WorkloadView } from './view-types.ts'

interface Column {
  readonly key: string
  readonly header: string
  readonly width: number
  readonly align: 'left' | 'right'
  readonly cell: (row: WorkloadView) => Segment
}

const GAP = 2
const MAX_SPARK = 24

export const healthTone = (h: Health): Tone => (h === 'idle' ? 'idle' : h)

export function workloadLines(rows: readonly WorkloadView[], width: number): Line[] {
  const nameWidth = Math.max(6, ...rows.map((r) => textWidth(r.name) + 2))
  let columns: Column[] = [
    { key: 'name', header: 'NAME', width: nameWidth, align: 'left', cell: (r) => seg(r.name) },
    { key: 'version', header: 'VERSION', width: 7, align: 'left', cell: (r) => seg(r.version || '-', 'muted') },
    { key: 'meshed', header: 'MESHED', width: 6, align: 'left', cell: (r) => seg(r.meshed, r.meshed.startsWith('0/') ? 'failing' : 'plain') },
    { key: 'success', header: 'SUCCESS', width: 8, align: 'right', cell: (r) => seg(r.success, healthTone(r.health)) },
    { key: 'rps', header: 'RPS', width: 8, align: 'right', cell: (r) => seg(r.rps) },
    { key: 'p50', header: 'P50', width: 6, align: 'right', cell: (r) => seg(r.p50) },
    { key: 'p95', header: 'P95', width: 6, align: 'right', cell: (r) => seg(r.p95) },
    { key: 'p99', header: 'P99', width: 6, align: 'right', cell: (r) => seg(r.p99) },
  ]
  const total = (cols: readonly Column[]) => cols.reduce((n, c) => n + c.width, 0) + GAP * (cols.length - 1)
  for (const drop of ['version', 'p50', 'p95']) if (total(columns) > width) columns = columns.filter((c) => c.key !== drop)
  const spare = width - total(columns)
  const spark = Math.min(MAX_SPARK, Math.floor((spare - 2 * GAP) / 2))
  if (spark >= 8) {
    columns.push(
      { key: 'rps-trend', header: 'RPS TREND', width: spark, align: 'left', cell: (r) => seg(sparkline(r.rpsHistory, spark), 'trend') },
      { key: 'p99-trend', header: 'P99 TREND', width: spark, align: 'left', cell: (r) => seg(sparkline(r.p99History, spark), 'degraded') },
    )
  } else if (spare < 0) {
    const name = columns[0]!
    columns[0] = { ...name, width: Math.max(6, name.width + spare) }
  }
  const header: Segment[] = []
  columns.forEach((c, i) => header.push(seg(`${i ? ' '.repeat(GAP) : ''}${fit(c.header, c.width, c.align)}`, 'title')))
  return [header, ...rows.map((r) => row(r, columns))]
}

function row(r: WorkloadView, columns: readonly Column[]): Segment[] {
  const out: Segment[] = []
  columns.forEach((c, i) => {
    if (i) out.push(seg(' '.repeat(GAP)))
    if (c.key === 'name') {
      out.push(seg('● ', healthTone(r.health)), seg(fit(r.name, c.width - 2)))
      return
    }
    const cell = c.cell(r)
    out.push(seg(fit(cell.text, c.width, c.align), cell.tone))
  })
  return out
}
