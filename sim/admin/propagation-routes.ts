/**
 * `POST /workloads/:name/trace-propagation` with `on=true|false` (query string, or a JSON body; form and plain-text bodies are refused as a web page could send them, see local-only.ts):
 * makes a workload's app forget (or remember) to forward trace headers, so its downstream calls
 * start new traces: Istio's "why is my trace broken" lesson. Mutations are POST only, as in Envoy's admin.
 */
import type { Request } from 'express'
import type { RunningWorkload } from '../mesh/workload-runtime.ts'
import type { AdminRoutes } from './admin-server.ts'

const MAX_BODY_BYTES = 1024

/** Adds `POST /workloads/:name/trace-propagation` (and a 405 for GET). */
export function propagationRoutes(workloads: ReadonlyMap<string, Pick<RunningWorkload, 'setTracePropagation'>>): AdminRoutes {
  return (app) => {
    app.post('/workloads/:name/trace-propagation', async (req, res) => {
      const name = String(req.params.name)
      const workload = workloads.get(name)
      if (!workload) {
        res.status(404).json({ error: `no workload named "${name}"`, workloads: [...workloads.keys()] })
        return
      }
      const raw = req.query.on !== undefined ? String(req.query.on) : await onFromBody(req)
      const on = parseOn(raw)
      if (on === undefined) {
        res.status(400).json({ error: `on must be true or false (also on/off, 1/0), got ${raw === undefined ? 'nothing' : JSON.stringify(raw)}` })
        return
      }
      await workload.setTracePropagation(on)
      res.json({ workload: name, tracePropagation: on })
    })
    app.get('/workloads/:name/trace-propagation', (_req, res) => {
      res.status(405).setHeader('allow', 'POST').json({ error: 'use POST with on=true|false' })
    })
  }
}

function parseOn(raw: string | undefined): boolean | undefined {
  const v = raw?.trim().toLowerCase()
  if (v === 'true' || v === 'on' || v === '1') return true
  if (v === 'false' || v === 'off' || v === '0') return false
  return undefined
}

/** `on=false`, `{"on":false}` or `false`: whatever a curl user is likely to send. */
async function onFromBody(req: Request): Promise<string | undefined> {
  // Another admin module may have installed a body parser already; then the stream is consumed.
  const parsed: unknown = req.body
  if (typeof parsed === 'object' && parsed !== null && 'on' in parsed) return String((parsed as { on: unknown }).on)
  let text = typeof parsed === 'string' ? parsed : ''
  if (parsed === undefined) {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      text += chunk.toString('utf8')
      if (text.length > MAX_BODY_BYTES) return undefined
    }
  }
  text = text.trim()
  if (!text) return undefined
  if (text.startsWith('{')) {
    try {
      const parsed = JSON.parse(text) as { on?: unknown }
      return parsed.on === undefined ? undefined : String(parsed.on)
    } catch {
      return undefined
    }
  }
  const form = new URLSearchParams(text).get('on')
  return form ?? text
}
