/**
 * Where each panel goes for a terminal size, as rectangles (no terminal needed to test it).
 *
 *   wide (≥ 110 columns for the main area):        narrow (80–109), or beside a lesson:
 *   ┌ header (2 lines) ─────────────────────┐       header · workloads · graph | config · tap
 *   ├ workloads ────────────────────────────┤       (applied YAML then shows in a popup)
 *   ├ graph ───────────────┬ config ────────┤
 *   ├ tap ─────────────────┼ applied ───────┤      a lesson takes a column on the right from 120
 *   └ footer (1 line) ─────┴────────────────┘      columns, else the right half below the workloads
 */

export interface Rect {
  readonly top: number
  readonly left: number
  readonly width: number
  readonly height: number
}

export interface PanelLayout {
  readonly tooSmall: false
  readonly header: Rect
  readonly footer: Rect
  readonly workloads: Rect
  readonly graph: Rect
  readonly tap: Rect
  readonly config?: Rect
  /** The last applied config; without it, applied YAML shows in a popup. */
  readonly applied?: Rect
  readonly lesson?: Rect
}

export type Layout = PanelLayout | { readonly tooSmall: true; readonly cols: number; readonly rows: number }

export interface LayoutNeeds {
  /** Table rows (workloads, the ingress included). */
  readonly workloads: number
  /** Graph lines (edges, roots and its header row). */
  readonly graphRows: number
  readonly lesson: boolean
}

export const MIN_COLS = 80
export const MIN_ROWS = 24
const HEADER = 2
const FOOTER = 1
const MIN_TAP = 4

export function computeLayout(cols: number, rows: number, needs: LayoutNeeds): Layout {
  if (cols < MIN_COLS || rows < MIN_ROWS) return { tooSmall: true, cols, rows }
  const header = { top: 0, left: 0, width: cols, height: HEADER }
  const footer = { top: rows - FOOTER, left: 0, width: cols, height: FOOTER }
  const top = HEADER
  const body = rows - HEADER - FOOTER
  const lessonWidth = needs.lesson && cols >= 120 ? Math.min(64, Math.max(40, Math.round(cols * 0.34))) : 0
  const main = cols - lessonWidth
  // The top border and the header row take 2 lines (the bottom border is the next panel's top);
  // the table leaves at least 10 lines for the rest.
  const workloadsHeight = Math.max(5, Math.min(needs.workloads + 2, body - 10))
  const workloads = { top, left: 0, width: main, height: workloadsHeight }
  const restTop = top + workloadsHeight
  const rest = body - workloadsHeight
  const lesson = lessonWidth ? { top, left: main, width: lessonWidth, height: body } : undefined

  if (needs.lesson && !lessonWidth) {
    // Below the workloads: graph over tap on the left, the lesson on the right.
    const half = Math.floor(cols / 2)
    const graphHeight = clamp(needs.graphRows + 1, 5, rest - MIN_TAP)
    return {
      tooSmall: false,
      header,
      footer,
      workloads,
      graph: { top: restTop, left: 0, width: half, height: graphHeight },
      tap: { top: restTop + graphHeight, left: 0, width: half, height: rest - graphHeight },
      lesson: { top: restTop, left: half, width: cols - half, height: rest },
    }
  }
  const graphHeight = clamp(needs.graphRows + 1, 5, rest - MIN_TAP)
  const tapHeight = rest - graphHeight
  const graphWidth = Math.round(main * (main >= 110 ? 0.6 : 0.58))
  const graph = { top: restTop, left: 0, width: graphWidth, height: graphHeight }
  const config = { top: restTop, left: graphWidth, width: main - graphWidth, height: graphHeight }
  const panels = { tooSmall: false as const, header, footer, workloads, graph, config, ...(lesson ? { lesson } : {}) }
  const tapTop = restTop + graphHeight
  if (main >= 110) {
    // Wide: the tap shares its row with the YAML the dashboard applied.
    return {
      ...panels,
      tap: { top: tapTop, left: 0, width: graphWidth, height: tapHeight },
      applied: { top: tapTop, left: graphWidth, width: main - graphWidth, height: tapHeight },
    }
  }
  return { ...panels, tap: { top: tapTop, left: 0, width: main, height: tapHeight } }
}

const clamp = (n: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, n))
