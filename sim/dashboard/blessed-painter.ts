/**
 * Draws a frame (view model + UI state) on a blessed screen: widgets are created once and reused,
 * only changed contents are set, and the caller renders once per frame, so refreshes never flicker.
 */
import type blessed from 'blessed'
import { linesToTags, toTags } from './blessed-tags.ts'
import { graphLines } from './graph-lines.ts'
import { footerHints } from './key-map.ts'
import { computeLayout, type Layout, type PanelLayout, type Rect } from './layout.ts'
import type { MenuContext } from './menus.ts'
import { overlayPopup } from './overlay-lines.ts'
import {
  appliedLines,
  configLines,
  headerLines,
  hintLine,
  lessonLines,
  promptLine,
  statusLine,
  tapLines,
  tooSmallLines,
} from './panel-lines.ts'
import { lineWidth, seg, type Line } from './segments.ts'
import type { UiState } from './ui-state.ts'
import type { DashboardView } from './view-types.ts'
import { workloadLines } from './workload-lines.ts'

export interface Frame {
  readonly view: DashboardView
  readonly ui: UiState
  readonly nowMs: number
  readonly menus: MenuContext
}

type PanelName = 'workloads' | 'graph' | 'config' | 'tap' | 'applied' | 'lesson'
const PANELS: readonly PanelName[] = ['workloads', 'graph', 'config', 'tap', 'applied', 'lesson']
const STATUS_MS = 8_000

export class BlessedPainter {
  private readonly panels = new Map<PanelName, blessed.Widgets.BoxElement>()
  private readonly header: blessed.Widgets.BoxElement
  private readonly footer: blessed.Widgets.BoxElement
  private readonly popup: blessed.Widgets.BoxElement
  private readonly tooSmall: blessed.Widgets.BoxElement
  /** What each widget shows now, to set only what changed. */
  private readonly shown = new Map<blessed.Widgets.BoxElement, string>()
  private readonly labels = new Map<blessed.Widgets.BoxElement, string>()

  constructor(
    private readonly screen: blessed.Widgets.Screen,
    private readonly ui: typeof blessed,
  ) {
    const box = (options: blessed.Widgets.BoxOptions) => ui.box({ parent: screen, tags: true, wrap: false, hidden: true, ...options })
    this.header = box({ top: 0, left: 0, height: 2 })
    this.footer = box({ bottom: 0, left: 0, height: 1 })
    for (const name of PANELS) {
      this.panels.set(name, box({ border: { type: 'line' }, padding: { left: 1 }, style: { border: { fg: 'gray' }, label: { bold: true } } }))
    }
    this.popup = box({ border: { type: 'line' }, padding: { left: 1, right: 1 }, style: { border: { fg: 'cyan' }, label: { bold: true } } })
    this.tooSmall = box({ top: 0, left: 0, width: '100%', height: '100%', align: 'center', valign: 'middle' })
  }

  /** Set when a paint changed anything on screen; the caller renders only then. */
  changed = false
  /** The lesson panel's last useful scroll position at the last paint (0: it all fits); read by PgDn. */
  lessonScrollLimit = 0

  /** Draws the frame (without rendering) and returns the layout used. */
  paint(frame: Frame): Layout {
    const cols = this.screen.width as number
    const rows = this.screen.height as number
    const { view, ui } = frame
    const layout = computeLayout(cols, rows, { workloads: view.workloads.length, graphRows: view.graph.rows.length + 1, lesson: view.lesson !== undefined })
    if (layout.tooSmall) {
      for (const w of [this.header, this.footer, this.popup, ...this.panels.values()]) this.hide(w)
      this.set(this.tooSmall, linesToTags(tooSmallLines(cols, rows)))
      if (this.tooSmall.hidden) {
        this.tooSmall.show()
        this.changed = true
      }
      return layout
    }
    this.hide(this.tooSmall)
    this.place(this.header, layout.header)
    this.set(this.header, linesToTags(headerLines(view.header, cols)))
    this.place(this.footer, layout.footer)
    this.set(this.footer, toTags(this.footerLine(frame, cols)))

    const tapFilter = view.tap.filter ? ` /${view.tap.filter}${view.tap.filterNote ? ` (${view.tap.filterNote})` : ''} ` : ''
    this.panel('workloads', layout, ' Workloads ', (w) => workloadLines(view.workloads, w))
    this.panel('graph', layout, view.graph.mtls === 'all' ? ' Service graph · mTLS on every edge ' : ' Service graph ', (w) => graphLines(view.graph, w))
    this.panel('config', layout, ' Active config ', (w) => configLines(view.config, w))
    this.panel('tap', layout, ` Tap ${tapFilter}`, (w) => tapLines(view.tap, w), 'bottom')
    this.panel('applied', layout, ' Applied by the dashboard ', (w) => appliedLines(ui.applied, w))
    const lesson = view.lesson
    this.panel(
      'lesson',
      layout,
      ' Lesson ',
      (w) => (lesson ? lessonLines(lesson, w, `n next · c check · h hint (${lesson.hintsLeft} left) · S solve · PgUp/PgDn scroll`) : []),
      { scroll: ui.lessonScroll ?? 0 },
    )
    this.paintPopup(frame, layout)
    return layout
  }

  private footerLine(frame: Frame, cols: number): Line {
    const o = frame.ui.overlay
    if (o?.kind === 'prompt') return promptLine(o.prompt, o.text, cols, o.prompt === '/' ? 'regex or text · enter keeps · esc clears' : 'enter runs · esc cancels · ? help')
    const s = frame.ui.status
    if (s && frame.nowMs - s.atMs < STATUS_MS) return statusLine(s.text, s.error, cols)
    return hintLine(footerHints(frame.view.lesson !== undefined), cols)
  }

  private panel(name: PanelName, layout: PanelLayout, label: string, lines: (width: number) => Line[], keep: 'top' | 'bottom' | { scroll: number } = 'top'): void {
    const w = this.panels.get(name)!
    const rect = layout[name]
    if (!rect) {
      this.hide(w)
      return
    }
    const docked = this.docked(rect, layout)
    this.place(w, docked)
    this.label(w, label)
    const inner = { width: docked.width - 3, height: docked.height - 2 }
    let content = lines(inner.width)
    if (typeof keep === 'object') this.lessonScrollLimit = 0 // nothing to scroll; set below when it overflows
    if (content.length > inner.height) {
      if (keep === 'bottom') content = content.slice(content.length - inner.height)
      else if (keep === 'top') content = [...content.slice(0, inner.height - 1), [seg(`… ${content.length - inner.height + 1} more`, 'muted')]]
      else {
        // Scrolled by PgUp/PgDn; the first and last rows say when there is more above or below.
        this.lessonScrollLimit = content.length - inner.height + 1
        const top = Math.max(0, Math.min(keep.scroll, this.lessonScrollLimit))
        const above = top > 0
        const room = inner.height - (above ? 1 : 0)
        const below = top + room < content.length
        const shown = content.slice(top, top + room - (below ? 1 : 0))
        content = [
          ...(above ? [[seg(`↑ ${top} more (PgUp)`, 'muted')]] : []),
          ...shown,
          ...(below ? [[seg(`↓ ${content.length - top - shown.length} more (PgDn)`, 'muted')]] : []),
        ]
      }
    }
    this.set(w, linesToTags(content))
  }

  /** One more column/row where a neighbour follows, so borders overlap and dock (┬ ├ ┼). */
  private docked(r: Rect, layout: PanelLayout): Rect {
    const right = r.left + r.width < layout.header.width
    const below = r.top + r.height < layout.footer.top
    return { ...r, width: r.width + (right ? 1 : 0), height: r.height + (below ? 1 : 0) }
  }

  private paintPopup(frame: Frame, layout: PanelLayout): void {
    const o = frame.ui.overlay
    const cols = layout.header.width
    const rows = layout.footer.top + 1
    const popup = o ? overlayPopup(o, { ...frame.menus, lesson: frame.view.lesson !== undefined }, Math.min(cols - 4, 100)) : undefined
    if (!popup) {
      this.hide(this.popup)
      return
    }
    const width = Math.min(cols - 4, Math.max(40, ...popup.lines.map((l) => lineWidth(l) + 4)))
    const height = Math.min(rows - 2, popup.lines.length + 2)
    this.place(this.popup, { top: Math.max(1, Math.floor((rows - height) / 2)), left: Math.floor((cols - width) / 2), width, height })
    const colour = popup.error ? 'red' : 'cyan'
    if (this.popup.style.border.fg !== colour) {
      this.popup.style.border.fg = colour
      this.changed = true
    }
    this.label(this.popup, ` ${popup.title} `)
    this.set(this.popup, linesToTags(popup.lines.slice(0, height - 2)))
    this.popup.setFront()
  }

  private hide(w: blessed.Widgets.BoxElement): void {
    if (w.hidden) return
    w.hide()
    this.changed = true
  }

  private place(w: blessed.Widgets.BoxElement, r: Rect): void {
    const at = w.position as unknown as Partial<Rect>
    if (at.top === r.top && at.left === r.left && at.width === r.width && at.height === r.height && !w.hidden) return
    this.changed = true
    w.top = r.top
    w.left = r.left
    w.width = r.width
    w.height = r.height
    w.show()
  }

  private label(w: blessed.Widgets.BoxElement, text: string): void {
    if (this.labels.get(w) === text) return
    this.labels.set(w, text)
    this.changed = true
    // Re-created rather than updated: blessed places an updated label one column off when the box has padding.
    w.removeLabel()
    w.setLabel(text)
  }

  private set(w: blessed.Widgets.BoxElement, content: string): void {
    if (this.shown.get(w) === content) return
    this.shown.set(w, content)
    this.changed = true
    w.setContent(content)
  }
}
