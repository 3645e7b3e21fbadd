/** The rows every table starts from: the ingress gateway, then each workload with its readiness. */
import type { WorkloadInfo } from '../dashboard/workload-rows.ts'
import type { Mesh } from './start-mesh.ts'

export function workloadInfos(mesh: Mesh): WorkloadInfo[] {
  const rows: WorkloadInfo[] = [{ name: mesh.gatewayIdentity.name, version: '-', meshed: '1/1' }]
  for (const w of mesh.workloads.values()) {
    const ready = mesh.registry.endpoint(w.identity.name)?.ready && w.state === 'running'
    rows.push({ name: w.identity.name, version: w.identity.version, meshed: ready ? '1/1' : '0/1' })
  }
  return rows
}
