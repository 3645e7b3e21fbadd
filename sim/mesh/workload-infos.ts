/** The rows every table starts from: the ingress gateway, each workload with its readiness, then the meshed load clients. */
import type { WorkloadInfo } from '../dashboard/workload-rows.ts'
import type { Mesh } from './start-mesh.ts'

export function workloadInfos(mesh: Pick<Mesh, 'gatewayIdentity' | 'workloads' | 'registry' | 'clients'>): WorkloadInfo[] {
  const rows: WorkloadInfo[] = [{ name: mesh.gatewayIdentity.name, version: '-', meshed: '1/1' }]
  for (const w of mesh.workloads.values()) {
    const ready = mesh.registry.endpoint(w.identity.name)?.ready && w.state === 'running'
    rows.push({ name: w.identity.name, version: w.identity.version, meshed: ready ? '1/1' : '0/1' })
  }
  // A load client (fortio) is a pod with a sidecar like any other, with no Service in front of it.
  for (const c of mesh.clients.list()) rows.push({ name: c.name, version: c.identity.version, meshed: '1/1' })
  return rows
}
