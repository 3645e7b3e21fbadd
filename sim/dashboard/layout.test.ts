import { describe, expect, test } from 'vitest'
import { computeLayout, type PanelLayout, type Rect } from './layout.ts'

const needs = { workloads: 7, graphRows: 9, lesson: false }
const panels = (l: PanelLayout): [string, Rect][] =>
  (['header', 'footer', 'workloads', 'graph', 'config', 'tap', 'applied', 'lesson'] as const).flatMap((k) => (l[k] ? [[k, l[k]!] as [string, Rect]] : []))
const overlaps = (a: Rect, b: Rect) => a.left < b.left + b.width && b.left < a.left + a.width && a.top < b.top + b.height && b.top < a.top + a.height

function check(cols: number, rows: number, n = needs): PanelLayout {
  const l = computeLayout(cols, rows, n)
  if (l.tooSmall) throw new Error(`too small: ${cols}×${rows}`)
  const list = panels(l)
  for (const [name, r] of list) {
    expect(r.left, name).toBeGreaterThanOrEqual(0)
    expect(r.top, name).toBeGreaterThanOrEqual(0)
    expect(r.left + r.width, name).toBeLessThanOrEqual(cols)
    expect(r.top + r.height, name).toBeLessThanOrEqual(rows)
    expect(r.height, name).toBeGreaterThanOrEqual(1)
  }
  for (const [a, ra] of list) for (const [b, rb] of list) if (a < b) expect(overlaps(ra, rb), `${a} overlaps ${b}`).toBe(false)
  const area = list.reduce((n, [, r]) => n + r.width * r.height, 0)
  expect(area).toBe(cols * rows) // every cell belongs to exactly one panel
  return l
}

describe('layout', () => {
  test('120×40: table across, graph | config, tap | applied; everything fits, nothing overlaps', () => {
    const l = check(120, 40)
    expect(l.workloads).toEqual({ top: 2, left: 0, width: 120, height: 9 })
    expect(l.graph.top).toBe(11)
    expect(l.graph.height).toBe(10)
    expect(l.config!.left).toBe(l.graph.width)
    expect(l.applied).toBeDefined()
    expect(l.tap.height).toBeGreaterThanOrEqual(15)
  })

  test('80×24 stacks panels, keeps the table whole, and shows applied config in popups instead', () => {
    const l = check(80, 24)
    expect(l.workloads.height).toBe(9)
    expect(l.applied).toBeUndefined()
    expect(l.tap.width).toBe(80)
    expect(l.tap.height).toBeGreaterThanOrEqual(4)
  })

  test('sizes in between and beyond all tile the screen', () => {
    for (const [c, r] of [[80, 24], [81, 25], [100, 30], [109, 50], [110, 30], [160, 50], [250, 80]] as const) {
      check(c, r)
      check(c, r, { ...needs, lesson: true })
      check(c, r, { workloads: 9, graphRows: 14, lesson: false })
    }
  })

  test('a lesson takes a column on the right from 120 columns, else the right half below the table', () => {
    const wide = check(140, 40, { ...needs, lesson: true })
    expect(wide.lesson).toMatchObject({ top: 2, height: 37 })
    expect(wide.lesson!.width).toBeGreaterThanOrEqual(40)
    expect(wide.workloads.width).toBe(140 - wide.lesson!.width)
    const narrow = check(100, 30, { ...needs, lesson: true })
    expect(narrow.lesson).toMatchObject({ left: 50, width: 50 })
    expect(narrow.config).toBeUndefined()
  })

  test('below 80×24 there is only the message', () => {
    expect(computeLayout(79, 40, needs)).toEqual({ tooSmall: true, cols: 79, rows: 40 })
    expect(computeLayout(120, 23, needs)).toEqual({ tooSmall: true, cols: 120, rows: 23 })
  })
})
