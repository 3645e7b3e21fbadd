/**
 * A trace as a readable tree, one line per hop: the caller's client span and the callee's server
 * span print together (`productpage-v1 → reviews-v2`), with the duration the caller saw. A span
 * whose parent is missing (an app that didn't propagate the headers) starts its own tree.
 */
import type { MeshSpan, MeshTrace } from './span.ts'

/** A header line, then one line per hop, indented under its caller. */
export function formatTraceTree(trace: MeshTrace): string {
  const byId = new Map(trace.spans.map((s) => [s.spanId, s]))
  const children = new Map<string, MeshSpan[]>()
  const roots: MeshSpan[] = []
  for (const s of trace.spans) {
    if (s.parentSpanId && byId.has(s.parentSpanId)) {
      const list = children.get(s.parentSpanId) ?? []
      list.push(s)
      children.set(s.parentSpanId, list)
    } else roots.push(s)
  }
  const root = roots[0]
  const total = root ? `${formatDuration(Math.max(...roots.map((r) => r.durationMs)))}` : '-'
  const request = root ? ` · ${root.attributes['http.request.method']} ${root.attributes['url.path']}` : ''
  const lines = [`trace ${trace.traceId} · ${trace.spans.length} spans · ${total}${request}`]

  /** A hop: a client span plus the server spans under it, or a server span with no client. */
  const hop = (span: MeshSpan, prefix: string, last: boolean, top: boolean) => {
    const servers = span.kind === 'CLIENT' ? (children.get(span.spanId) ?? []).filter((c) => c.kind === 'SERVER') : []
    const caller = span.kind === 'CLIENT' ? span.workload : '?'
    const callee = span.kind === 'CLIENT' ? (servers.map((s) => s.workload).join(',') || `${serviceOf(span)} (no server span)`) : span.workload
    const flags = String(span.attributes.response_flags ?? '-')
    const orphan = span.parentSpanId && !byId.has(span.parentSpanId) ? '  (parent span not in this trace)' : ''
    const text =
      `${caller} → ${callee}  ${span.attributes['http.request.method']} ${span.attributes['url.path']}  ${span.statusCode}` +
      `${flags !== '-' ? ` ${flags}` : ''}  ${formatDuration(span.durationMs)}${orphan}`
    lines.push(top ? text : `${prefix}${last ? '└─ ' : '├─ '}${text}`)
    const below = [
      ...(span.kind === 'CLIENT' ? [] : children.get(span.spanId) ?? []),
      ...servers.flatMap((s) => children.get(s.spanId) ?? []),
      ...(span.kind === 'CLIENT' ? (children.get(span.spanId) ?? []).filter((c) => c.kind === 'CLIENT') : []),
    ].sort((a, b) => a.startEpochMs - b.startEpochMs)
    const nextPrefix = top ? '' : `${prefix}${last ? '   ' : '│  '}`
    below.forEach((c, i) => hop(c, nextPrefix, i === below.length - 1, false))
  }
  for (const r of roots) hop(r, '', true, true)
  return lines.join('\n')
}

/** `reviews.default.svc.cluster.local:9080/*` → `reviews`. */
const serviceOf = (s: MeshSpan) => s.name.split(/[.:/]/)[0] || s.name

/** Milliseconds with one decimal below 10 s, seconds above. */
export const formatDuration = (ms: number): string => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)}s` : `${ms.toFixed(1)}ms`)
