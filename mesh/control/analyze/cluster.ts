/**
 * What analysis knows about the cluster that config would run on: Services (selector, ports), Pods (labels)
 * and Namespaces, as `istioctl analyze` reads them from a live cluster and from the files it is given. Only
 * analysis reads this; nothing here runs or is applied (meshdojo's own workloads come from its topology).
 */

import { deepFreeze } from '../freeze.ts'
import type { Labels } from './views.ts'

export interface ClusterPod {
  readonly name: string
  readonly namespace: string
  readonly labels: Labels
}

export interface ServicePort {
  readonly port: number
  /** A numeric targetPort; absent when none is given, or it names a container port. */
  readonly targetPort?: number
  /** `TCP` unless the Service says otherwise (the API server's default). */
  readonly protocol: string
  readonly name?: string
}

export interface ClusterService {
  readonly name: string
  readonly namespace: string
  /** `spec.selector`; absent for a Service without one, which selects no Pods. */
  readonly selector?: Labels
  readonly ports: readonly ServicePort[]
}

export interface ClusterNamespace {
  readonly name: string
  readonly labels: Labels
}

export interface Cluster {
  readonly services: readonly ClusterService[]
  readonly pods: readonly ClusterPod[]
  readonly namespaces: readonly ClusterNamespace[]
}

export const EMPTY_CLUSTER: Cluster = deepFreeze({ services: [], pods: [], namespaces: [] })

/** Kubernetes label selector from a map: every key present with that value (an empty selector selects all). */
export function selects(selector: Labels, labels: Labels): boolean {
  for (const [key, value] of Object.entries(selector)) if (!Object.hasOwn(labels, key) || labels[key] !== value) return false
  return true
}

/** `istio=ingressgateway,app=x`, as Kubernetes prints a selector (keys sorted). */
export const selectorString = (selector: Labels): string =>
  Object.entries(selector).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k}=${v}`).join(',')

/** `base` with `added` on top: an object of `added` replaces the one of `base` with the same namespace and name. */
export function mergeClusters(base: Cluster, added: Cluster): Cluster {
  const merge = <T extends { name: string; namespace?: string }>(a: readonly T[], b: readonly T[]): T[] => {
    const key = (o: T) => `${o.namespace ?? ''}/${o.name}`
    const replaced = new Set(b.map(key))
    return [...a.filter((o) => !replaced.has(key(o))), ...b]
  }
  return { services: merge(base.services, added.services), pods: merge(base.pods, added.pods), namespaces: merge(base.namespaces, added.namespaces) }
}

/** Service FQDNs (`reviews.default.svc.cluster.local`), for the host checks. */
export const serviceHosts = (cluster: Cluster): Set<string> => new Set(cluster.services.map((s) => `${s.name}.${s.namespace}.svc.cluster.local`))

/** One workload of a simulated cluster: an app and version behind the Service named after the app. */
export interface WorkloadSketch {
  readonly app: string
  readonly version: string
  readonly servicePort: number
  /** The container port the Service sends to; default `servicePort`. */
  readonly targetPort?: number
  readonly namespace?: string
}

/**
 * The cluster of a set of workloads as Bookinfo's manifests lay them out: per app a Service `app` selecting
 * `app: <app>` on its port (named `http`), per version a Pod `<app>-<version>` labelled `app` and `version`, all
 * in `default` (labelled for injection), plus Istio's ingress gateway (ISTIO_INGRESS_GATEWAY). Frozen.
 */
export function clusterOfWorkloads(workloads: readonly WorkloadSketch[]): Cluster {
  const services = new Map<string, ClusterService>()
  const pods: ClusterPod[] = []
  for (const w of workloads) {
    const namespace = w.namespace ?? 'default'
    const key = `${namespace}/${w.app}`
    if (!services.has(key)) {
      services.set(key, { name: w.app, namespace, selector: { app: w.app }, ports: [{ port: w.servicePort, targetPort: w.targetPort ?? w.servicePort, protocol: 'TCP', name: 'http' }] })
    }
    pods.push({ name: `${w.app}-${w.version}`, namespace, labels: { app: w.app, version: w.version } })
  }
  const namespaces = [...new Set(workloads.map((w) => w.namespace ?? 'default'))].map((name) => ({ name, labels: { 'istio-injection': 'enabled' } }))
  return deepFreeze(mergeClusters({ services: [...services.values()], pods, namespaces }, ISTIO_INGRESS_GATEWAY))
}

/**
 * Istio's ingress gateway as `istioctl install --set profile=demo` (the profile Istio's Getting Started and
 * Bookinfo use) creates it in `istio-system`: a Pod labelled `istio: ingressgateway`, and its Service, whose
 * ports 80 and 443 reach the gateway's unprivileged 8080 and 8443 (so Bookinfo's Gateway on 8080 is served).
 */
export const ISTIO_INGRESS_GATEWAY: Cluster = deepFreeze({
  services: [{
    name: 'istio-ingressgateway',
    namespace: 'istio-system',
    selector: { app: 'istio-ingressgateway', istio: 'ingressgateway' },
    ports: [
      { name: 'status-port', port: 15021, targetPort: 15021, protocol: 'TCP' },
      { name: 'http2', port: 80, targetPort: 8080, protocol: 'TCP' },
      { name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' },
      { name: 'tcp', port: 31400, targetPort: 31400, protocol: 'TCP' },
      { name: 'tls', port: 15443, targetPort: 15443, protocol: 'TCP' },
    ],
  }],
  pods: [{ name: 'istio-ingressgateway', namespace: 'istio-system', labels: { app: 'istio-ingressgateway', istio: 'ingressgateway' } }],
  namespaces: [{ name: 'istio-system', labels: {} }],
})

/**
 * What `istioctl analyze --use-kube=false` adds to the files (its "default resources"): a stand-in ingress
 * gateway Pod and Service in `istio-system` whose target ports equal the ports (80, 443, 31400, 15443).
 */
export const ISTIOCTL_FILE_DEFAULTS: Cluster = deepFreeze({
  services: [{
    name: 'istio-ingressgateway',
    namespace: 'istio-system',
    selector: { istio: 'ingressgateway' },
    ports: [80, 443, 31400, 15443].map((port) => ({ port, targetPort: port, protocol: 'TCP' })),
  }],
  pods: [{ name: 'istio-ingressgateway-dummypod', namespace: 'istio-system', labels: { istio: 'ingressgateway' } }],
  namespaces: [],
})
