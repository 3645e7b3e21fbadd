/**
 * Each proxy's Envoy admin views, for one workload at a time as `pilot-agent request GET …` gives
 * them in Istio's tasks:
 *   GET /clusters?workload=W[&format=json]  Envoy's /clusters (thresholds, hosts, per-host stats)
 *   GET /stats?workload=W[&format=json]     Envoy's /stats for its clusters (`cluster.<name>.upstream_rq_retry: 3`)
 * Without `workload`, /clusters gives every proxy in turn (text: a `# W` line before each; JSON:
 * `{proxies: [{workload, cluster_statuses}]}`). `/stats` without it is the mesh-wide windows (admin-server.ts).
 */
import type { Request, Response } from 'express'
import { clusterStatsView, type ClusterStatsView } from '../../mesh/telemetry/envoy-cluster-stats.ts'
import type { ProxyClusters } from '../../mesh/telemetry/envoy-cluster-metrics.ts'
import { clustersJson, formatClustersJson, formatClustersText } from '../../mesh/telemetry/envoy-clusters-format.ts'
import { formatStatsJson, formatStatsText } from '../../mesh/telemetry/envoy-stats-format.ts'
import type { AdminRoutes } from './admin-server.ts'

/** Adds `GET /clusters` and `GET /stats?workload=`; `proxies` is read per request. */
export function clusterRoutes(proxies: () => readonly ProxyClusters[]): AdminRoutes {
  return (app) => {
    app.get('/clusters', (req, res) => {
      const chosen = choose(req, res, proxies())
      if (!chosen) return
      if (chosen.format === 'json') {
        res.type('application/json').send(chosen.one ? formatClustersJson(chosen.views[0]!) : JSON.stringify({ proxies: chosen.views.map((v) => ({ workload: v.workload, ...clustersJson(v) })) }, null, 1))
        return
      }
      res.type('text/plain').send(chosen.one ? formatClustersText(chosen.views[0]!) : chosen.views.map((v) => `# ${v.workload}\n${formatClustersText(v)}`).join('\n'))
    })
    app.get('/stats', (req, res, next) => {
      if (req.query.workload === undefined) return next()
      const chosen = choose(req, res, proxies())
      if (!chosen) return
      const view = chosen.views[0]!
      if (chosen.format === 'json') res.type('application/json').send(formatStatsJson(view))
      else res.type('text/plain').send(formatStatsText(view))
    })
  }
}

/** The proxies a request names (400 for a bad format, 404 for an unknown workload, answered here). */
function choose(req: Request, res: Response, all: readonly ProxyClusters[]): { views: ClusterStatsView[]; one: boolean; format: 'text' | 'json' } | undefined {
  const format = String(req.query.format ?? 'text')
  if (format !== 'text' && format !== 'json') {
    res.status(400).json({ error: `format must be text or json, got "${format}"` })
    return undefined
  }
  const wanted = req.query.workload === undefined ? undefined : String(req.query.workload)
  const chosen = wanted === undefined ? all : all.filter((p) => p.workload === wanted)
  if (wanted !== undefined && chosen.length === 0) {
    res.status(404).json({ error: `no workload named "${wanted}"`, workloads: all.map((p) => p.workload) })
    return undefined
  }
  return { views: chosen.map((p) => clusterStatsView(p.workload, p.clusters())), one: wanted !== undefined, format }
}
