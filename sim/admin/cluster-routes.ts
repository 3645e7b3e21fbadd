/**
 * `GET /clusters?workload=reviews-v2[&format=json]`: one proxy's upstream clusters, Envoy admin
 * style (counters as `/stats` lines, thresholds and hosts as `/clusters` lines), or JSON.
 * Without `workload`, every proxy in turn.
 */
import { clusterStatsView, formatClusterStatsText } from '../../mesh/telemetry/envoy-cluster-stats.ts'
import type { ProxyClusters } from '../../mesh/telemetry/envoy-cluster-metrics.ts'
import type { AdminRoutes } from './admin-server.ts'

/** Adds `GET /clusters`; `proxies` is read per request. */
export function clusterRoutes(proxies: () => readonly ProxyClusters[]): AdminRoutes {
  return (app) => {
    app.get('/clusters', (req, res) => {
      const format = String(req.query.format ?? 'text')
      if (format !== 'text' && format !== 'json') {
        res.status(400).json({ error: `format must be text or json, got "${format}"` })
        return
      }
      const all = proxies()
      const wanted = req.query.workload === undefined ? undefined : String(req.query.workload)
      const chosen = wanted === undefined ? all : all.filter((p) => p.workload === wanted)
      if (wanted !== undefined && chosen.length === 0) {
        res.status(404).json({ error: `no workload named "${wanted}"`, workloads: all.map((p) => p.workload) })
        return
      }
      const views = chosen.map((p) => clusterStatsView(p.workload, p.clusters()))
      if (format === 'json') {
        res.json(wanted === undefined ? { proxies: views } : views[0])
        return
      }
      const text = wanted === undefined ? views.map((v) => `# ${v.workload}\n${formatClusterStatsText(v)}`).join('\n') : formatClusterStatsText(views[0]!)
      res.type('text/plain').send(text)
    })
  }
}
