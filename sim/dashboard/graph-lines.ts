/**
 * The service graph as styled lines for a given width: the edge tree on the left, then RPS, error
 * rate and observed share in aligned columns, then badges (`FI delay 7s jason`, `TOX latency 500ms ↓`).
 * Narrow panels get badge codes without labels, then shorter node notes.
 */
import { fit, seg, width as textWidth, type Line, type Segment } from './segments.ts'
import type { GraphRow, GraphView } from './view-types.ts'
import { healthTone } from './workload-lines.ts'

const NOTE: Readonly<Record<GraphRow['kind'], readonly [string, string]>> = {
  root: ['', ''],
  workload: ['', ''],
  idle: [' (no traffic)', ''],
  local: [' (local reply)', ' (local)'],
  mirror: [' (mirror)', ' (mir)'],
}

/** Columns kept for badges before node notes get shortened. */
const BADGE_ROOM = 20

export function graphLines(graph: GraphView, width: number): Line[] {
  if (graph.rows.length === 0) return [[seg('no traffic yet', 'muted')]]
  const metrics = 6 + 7 + 6
  const treeWith = (short: 0 | 1) => Math.max(...graph.rows.map((r) => textWidth(r.prefix + r.node + NOTE[r.kind][short])))
  // Long notes (`(local reply)`) only when they leave room for badge labels too.
  const short: 0 | 1 = treeWith(0) + metrics + 2 + BADGE_ROOM <= width ? 0 : 1
  const tree = Math.min(treeWith(short), Math.max(12, width - metrics))
  const badgeRoom = width - tree - metrics - 2
  const header: Segment[] = [seg(fit('EDGE', tree), 'title'), seg(fit('RPS', 6, 'right'), 'title'), seg(fit('ERR', 7, 'right'), 'title'), seg(fit('SHARE', 6, 'right'), 'title')]
  if (badgeRoom >= 6) header.push(seg('  BADGES', 'title'))
  return [header, ...graph.rows.map((r) => row(r, tree, short, badgeRoom))]
}

function row(r: GraphRow, tree: number, short: 0 | 1, badgeRoom: number): Segment[] {
  const note = NOTE[r.kind][short]
  const nodeTone = r.kind === 'root' ? 'title' : r.kind === 'idle' ? 'idle' : r.kind === 'mirror' ? 'mirror' : healthTone(r.health)
  const name = fit(r.node + note, Math.max(0, tree - textWidth(r.prefix)))
  const out: Segment[] = [
    seg(r.prefix, 'muted'),
    seg(name.slice(0, Math.min(name.length, r.node.length)), nodeTone),
    seg(name.slice(Math.min(name.length, r.node.length)), r.kind === 'mirror' ? 'mirror' : 'muted'),
    seg(fit(r.rps, 6, 'right')),
    seg(fit(r.errors, 7, 'right'), r.errors === '-' ? 'muted' : healthTone(r.health)),
    seg(fit(r.share, 6, 'right'), 'accent'),
  ]
  if (badgeRoom < 4 || r.badges.length === 0) return out
  out.push(seg('  '))
  let room = badgeRoom - 2
  r.badges.forEach((b, i) => {
    // The label when it fits beside the codes of the badges still to come, else the code alone.
    const later = r.badges.slice(i + 1).reduce((n, x) => n + textWidth(x.code) + 2, 0)
    const long = `${b.code} ${b.label}`
    const text = b.label !== b.code && textWidth(long) + later <= room ? long : b.code
    if (textWidth(text) > room) return
    out.push(seg(text, b.tone), seg('  '))
    room -= textWidth(text) + 2
  })
  return out
}
