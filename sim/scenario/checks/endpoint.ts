/** `endpoint`: is a workload ready in the registry (Kubernetes readiness), is it ejected by a caller's sidecar (outlier detection). */
import { clusterStatsView } from '../../../mesh/telemetry/envoy-cluster-stats.ts'
import type { LessonCheckResult } from '../../workshop/lesson-contract.ts'
import type { ScenarioSession } from '../session.ts'
import type { Check } from '../types.ts'

export function endpointCheck(c: Extract<Check, { kind: 'endpoint' }>, session: ScenarioSession): LessonCheckResult[] {
  const results: LessonCheckResult[] = []
  if (c.ready !== undefined) {
    const endpoint = session.mesh.registry.endpoint(c.workload)
    const ready = endpoint?.ready === true
    const state = endpoint ? (ready ? 'ready' : 'not ready') : 'not in the registry'
    results.push({
      description: `${c.workload} is ${c.ready ? 'ready' : 'not ready'} in the endpoints`,
      passed: ready === c.ready,
      detail: `${c.workload} is ${state}; expected ${c.ready ? 'ready' : 'not ready'}`,
    })
  }
  if (c.ejected !== undefined && c.by !== undefined) {
    const proxy = session.proxies().find((p) => p.workload === c.by)
    const hosts = proxy ? clusterStatsView(proxy.workload, proxy.clusters()).clusters.flatMap((cl) => cl.hosts.filter((h) => h.workload === c.workload)) : []
    const ejected = hosts.some((h) => h.healthFlags.includes('failed_outlier_check'))
    const state = hosts.length === 0 ? `not among the hosts ${c.by}'s sidecar knows` : ejected ? `ejected by ${c.by}'s sidecar` : `healthy in ${c.by}'s sidecar`
    results.push({
      description: `${c.workload} is ${c.ejected ? '' : 'not '}ejected by ${c.by}'s sidecar`,
      passed: ejected === c.ejected,
      detail: `${c.workload} is ${state}; expected ${c.ejected ? 'ejected' : 'not ejected'}`,
    })
  }
  return results
}
