/**
 * Which workloads a mesh runs: Istio's Bookinfo (productpage, details, reviews v1/v2/v3, ratings)
 * and, on request, httpbin v1/v2 for the circuit-breaking and mirroring tasks, and Istio's sample
 * ext-authz server for the External Authorization task. Data, not code:
 * each entry says how to build the app; the runtime puts it behind a sidecar.
 */
import type { RequestListener } from 'node:http'
import type { Dispatcher } from 'undici'
import { createDetails, createExtAuthz, createHttpbin, createProductPage, createRatings, createReviews, type RatingsVariant } from '../../bookinfo/index.ts'
import type { Random } from '../../mesh/random.ts'

export interface AppContext {
  /** The workload's outbound capture: all of the app's calls go through its sidecar. */
  readonly dispatcher: Dispatcher
  readonly podName: string
  readonly random: Random
  /** False makes the app forget to propagate trace headers (the broken-trace lesson). */
  readonly propagateTraceHeaders: boolean
}

export interface WorkloadSpec {
  readonly app: string
  readonly version: string
  /** The Kubernetes Service port: 9080 for Bookinfo, 8000 for httpbin and ext-authz. */
  readonly servicePort: number
  readonly createApp: (ctx: AppContext) => RequestListener
}

export function bookinfoWorkloads(options: { ratingsVariant?: RatingsVariant } = {}): WorkloadSpec[] {
  return [
    { app: 'productpage', version: 'v1', servicePort: 9080, createApp: (c) => createProductPage({ dispatcher: c.dispatcher, podName: c.podName, propagateTraceHeaders: c.propagateTraceHeaders }) },
    { app: 'details', version: 'v1', servicePort: 9080, createApp: (c) => createDetails({ propagateTraceHeaders: c.propagateTraceHeaders }) },
    ...(['v1', 'v2', 'v3'] as const).map((version) => ({
      app: 'reviews',
      version,
      servicePort: 9080,
      createApp: (c: AppContext) => createReviews({ version, dispatcher: c.dispatcher, podName: c.podName, propagateTraceHeaders: c.propagateTraceHeaders }),
    })),
    { app: 'ratings', version: 'v1', servicePort: 9080, createApp: (c) => createRatings({ variant: options.ratingsVariant ?? 'v1', random: c.random }) },
  ]
}

export function httpbinWorkloads(): WorkloadSpec[] {
  return (['v1', 'v2'] as const).map((version) => ({ app: 'httpbin', version, servicePort: 8000, createApp: () => createHttpbin({ version }) }))
}

/**
 * Istio's samples/extauthz/ext-authz.yaml: Service `ext-authz` with its HTTP check port 8000 (the gRPC port 9000
 * is not served). Unlike the sample, which runs without a sidecar, it has one here like every workload, so
 * checks reach it over auto mTLS (see docs/security.md).
 */
export function extAuthzWorkloads(): WorkloadSpec[] {
  return [{ app: 'ext-authz', version: 'v1', servicePort: 8000, createApp: () => createExtAuthz() }]
}
