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
  /**
   * The SPIFFE id, when it is not `spiffe://cluster.local/ns/<namespace>/sa/<serviceAccount>`: the
   * ingress gateway's is istio-system's `istio-ingressgateway-service-account`, as in Istio.
   */
  readonly principal?: string
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

/** The identity a workload's certificate carries. */
export const principalOf = (w: WorkloadIdentity): string => w.principal ?? spiffeId(w)

/** The ingress gateway: `istio: ingressgateway`, with Istio's service account and SPIFFE id. */
export function gatewayIdentity(): WorkloadIdentity {
  return Object.freeze({
    ...workloadIdentity('istio-ingressgateway', '', { istio: 'ingressgateway' }),
    serviceAccount: 'istio-ingressgateway-service-account',
    principal: 'spiffe://cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account',
  })
}

/** Telemetry's view of a workload; `authenticated` when mTLS proved who it is (else principal `unknown`). */
export function workloadRef(w: WorkloadIdentity, authenticated = false): WorkloadRef {
  return { workload: w.name, app: w.app, version: w.version || 'unknown', namespace: w.namespace, principal: authenticated ? principalOf(w) : 'unknown' }
}

/** Finds a workload by name: how a destination sidecar labels the caller named in peer metadata. */
export type WorkloadDirectory = (name: string) => WorkloadIdentity | undefined
