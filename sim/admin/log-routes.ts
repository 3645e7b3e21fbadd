/**
 * `GET /logs`: the access log, Envoy/Istio TEXT format or Istio JSON (one object per line).
 *   ?workload=reviews-v2  only that sidecar's lines (inbound and outbound, like `kubectl logs`)
 *   ?follow=1             keep the response open and stream new lines until the client leaves
 *   ?tail=N               start with at most N kept lines (default: all kept)
 *   ?format=text|json     default text
 * Lines of several sidecars are prefixed `[reviews-v2 outbound]` (JSON: `workload`, `direction` keys).
 */
import type { Response } from 'express'
import { ACCESS_LOG_FORMATS, formatAccessLog, type AccessLogFormat } from '../../mesh/telemetry/access-log-format.ts'
import type { AccessLogRing, LogFilter } from '../../mesh/telemetry/access-log-ring.ts'
import type { RequestRecord } from '../../mesh/telemetry/record.ts'
import type { AdminRoutes } from './admin-server.ts'

/** The ring to read, the workloads that exist, and the open follow streams. */
export interface LogRouteDeps {
  readonly ring: AccessLogRing
  /** Workloads whose sidecars write logs, for validating `?workload=`. */
  readonly workloads: () => readonly string[]
  /** Open follow streams; the installer ends them on close. */
  readonly followers: Set<() => void>
}

/** A follower this far behind loses lines instead of buffering without bound. */
const MAX_FOLLOW_BACKLOG_BYTES = 1024 * 1024

/** Adds `GET /logs`. */
export function logRoutes(deps: LogRouteDeps): AdminRoutes {
  return (app) => {
    app.get('/logs', (req, res) => {
      const format = String(req.query.format ?? 'text') as AccessLogFormat
      if (!ACCESS_LOG_FORMATS.includes(format)) {
        res.status(400).json({ error: `format must be one of ${ACCESS_LOG_FORMATS.join(', ')}, got "${format}"` })
        return
      }
      const workload = req.query.workload === undefined || req.query.workload === '' ? undefined : String(req.query.workload)
      if (workload !== undefined && !deps.workloads().includes(workload)) {
        res.status(404).json({ error: `no workload named "${workload}"`, workloads: deps.workloads() })
        return
      }
      const tail = req.query.tail === undefined ? undefined : Number(req.query.tail)
      if (tail !== undefined && (!Number.isInteger(tail) || tail < 0)) {
        res.status(400).json({ error: `tail must be a whole number ≥ 0, got "${req.query.tail}"` })
        return
      }
      const filter: LogFilter = { workload }
      const mixed = req.query.prefix === undefined ? workload === undefined : flag(req.query.prefix)
      const line = (r: RequestRecord) => `${formatAccessLog(r, format, mixed)}\n`
      res.type(format === 'json' ? 'application/x-ndjson' : 'text/plain; charset=utf-8')
      const kept = deps.ring.entries(filter, tail)
      if (!flag(req.query.follow)) {
        res.send(kept.map(line).join(''))
        return
      }
      follow(res, kept.map(line).join(''), (write) => deps.ring.subscribe(filter, (r) => write(line(r))), deps.followers)
    })
  }
}

/** Streams `first`, then every line `subscribe` delivers, until the client disconnects or the server closes. */
function follow(res: Response, first: string, subscribe: (write: (text: string) => void) => () => void, followers: Set<() => void>): void {
  res.setHeader('cache-control', 'no-store')
  res.setHeader('x-content-type-options', 'nosniff')
  res.status(200)
  res.flushHeaders()
  if (first) res.write(first)
  const unsubscribe = subscribe((text) => {
    if (res.writableLength > MAX_FOLLOW_BACKLOG_BYTES) return
    res.write(text)
  })
  const stop = () => {
    unsubscribe()
    followers.delete(stop)
    if (!res.writableEnded) res.end()
  }
  followers.add(stop)
  res.on('close', stop)
}

const flag = (v: unknown) => v === '1' || v === 'true' || v === 'yes' || v === ''
