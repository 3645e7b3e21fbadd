/** A workload's identity (its pod labels and service account), as the registry and telemetry name it. */
import type { WorkloadRef } from '../telemetry/record.ts'

export interface WorkloadIdentity {
  /** `reviews-v2` */
  readonly name: string
  /** `reviews` */
  readonly app: string
  /** `v2` */
  readonly version: string
  readonly namespace: string
  /** Pod labels; at least `app` and `version`. */
  readonly labels: Readonly<Record<string, string>>
  /** `bookinfo-reviews`, as in Bookinfo's manifests. */
  readonly serviceAccount: string
}

export function workloadIdentity(app: string, version: string, extraLabels: Record<string, string> = {}, namespace = 'default'): WorkloadIdentity {
  return Object.freeze({
    name: version ? `${app}-${version}` : app,
    app,
    version,
    namespace,
    labels: Object.freeze({ app, version, ...extraLabels }),
    serviceAccount: `bookinfo-${app}`,
  })
}

export const spiffeId = (w: Pick<WorkloadIdentity, 'namespace' | 'serviceAccount'>) => `spiffe://cluster.local/ns/${w.namespace}/sa/${w.serviceAccount}`

export function workloadRef(w: WorkloadIdentity, authenticated = false): WorkloadRef {
  return { workload: w.name, app: w.app, version: w.version || 'unknown', namespace: w.namespace, principal: authenticated ? spiffeId(w) : 'unknown' }
}

/** Finds a workload by name: how a destination sidecar labels the caller named in peer metadata. */
export type WorkloadDirectory = (name: string) => WorkloadIdentity | undefined
