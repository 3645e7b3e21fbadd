/**
 * `GET /traces`: the latest traces as OTLP/JSON (default), Jaeger JSON or Zipkin v2 JSON, or as a
 * readable tree (`format=tree`, text).
 *   ?limit=N       the latest N traces (default 100)
 *   ?traceId=HEX   one trace (404 if not kept)
 * The `x-meshdojo-traces` and `x-meshdojo-spans` headers say how much was exported.
 */
import { exportTraces, isTraceFormat, TRACE_FORMATS } from '../../mesh/telemetry/trace-export.ts'
import type { SpanStore } from '../../mesh/telemetry/span-store.ts'
import { formatTraceTree } from '../../mesh/telemetry/trace-tree.ts'
import type { AdminRoutes } from './admin-server.ts'

/** Adds `GET /traces`. */
export function traceRoutes(store: SpanStore): AdminRoutes {
  return (app) => {
    app.get('/traces', (req, res) => {
      const format = String(req.query.format ?? 'otlp')
      if (format !== 'tree' && !isTraceFormat(format)) {
        res.status(400).json({ error: `format must be one of ${[...TRACE_FORMATS, 'tree'].join(', ')}, got "${format}"` })
        return
      }
      const limit = req.query.limit === undefined ? 100 : Number(req.query.limit)
      if (!Number.isInteger(limit) || limit < 1) {
        res.status(400).json({ error: `limit must be a whole number ≥ 1, got "${req.query.limit}"` })
        return
      }
      const traceId = req.query.traceId === undefined ? undefined : String(req.query.traceId)
      const traces = store.list({ limit, traceId })
      if (traceId !== undefined && traces.length === 0) {
        res.status(404).json({ error: `no trace ${traceId} is kept (the store keeps the latest ${store.size} traces)` })
        return
      }
      res.setHeader('x-meshdojo-traces', String(traces.length))
      res.setHeader('x-meshdojo-spans', String(traces.reduce((n, t) => n + t.spans.length, 0)))
      if (format === 'tree') {
        res.type('text/plain; charset=utf-8').send(traces.map(formatTraceTree).join('\n\n') + (traces.length ? '\n' : ''))
        return
      }
      res.json(exportTraces(traces, format))
    })
  }
}
