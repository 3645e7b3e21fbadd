/**
 * Kubernetes objects in analyzed files, read into the cluster analysis checks config against (cluster.ts):
 * Services, Pods, workload controllers (Deployment, ReplicaSet, StatefulSet, DaemonSet: the Pods their template
 * would run) and Namespaces. For analysis only: `meshdojo apply` still refuses them (MD0003), since meshdojo
 * runs its own workloads. Each field is taken for what it is; a malformed object contributes what it can.
 */

import { isObj, type Obj } from '../parse/fields.ts'
import type { OtherKindOutcome } from '../parse/parse-config.ts'
import type { Cluster, ClusterNamespace, ClusterPod, ClusterService, ServicePort } from './cluster.ts'
import { labelsOf, listAt, numberOf, objectAt, textOf } from './views.ts'

/** API groups of Kubernetes' built-in kinds (`v1` is the core group, written without one). */
const BUILT_IN_GROUPS: ReadonlySet<string> = new Set([
  '', 'apps', 'batch', 'autoscaling', 'policy', 'rbac.authorization.k8s.io', 'networking.k8s.io', 'storage.k8s.io',
  'scheduling.k8s.io', 'coordination.k8s.io', 'discovery.k8s.io', 'node.k8s.io', 'certificates.k8s.io',
  'admissionregistration.k8s.io', 'apiextensions.k8s.io', 'apiregistration.k8s.io', 'events.k8s.io', 'flowcontrol.apiserver.k8s.io',
])

/** Controllers whose `spec.template` describes the Pods they run. */
const POD_CONTROLLERS: ReadonlySet<string> = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet'])

/** Collects the Kubernetes objects of the documents offered to it (ParseOptions.otherKind). */
export class KubernetesObjects {
  readonly #services: ClusterService[] = []
  readonly #pods: ClusterPod[] = []
  readonly #namespaces: ClusterNamespace[] = []

  /**
   * `read` for the kinds above, `ignored` for other built-in kinds (ConfigMaps, ServiceAccounts…: nothing to
   * analyze), undefined for anything else (a custom resource meshdojo does not simulate stays an Error).
   */
  readonly offer = (value: Obj): OtherKindOutcome | undefined => {
    const apiVersion = typeof value.apiVersion === 'string' ? value.apiVersion : ''
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : ''
    if (!BUILT_IN_GROUPS.has(group)) return undefined
    const meta = objectAt(value, 'metadata')
    const name = textOf(meta.name)
    const namespace = textOf(meta.namespace) ?? 'default'
    const spec = objectAt(value, 'spec')
    const kind = value.kind
    if (group === '' && kind === 'Service') {
      if (name !== undefined) this.#services.push(service(name, namespace, spec))
      return 'read'
    }
    if (group === '' && kind === 'Pod') {
      if (name !== undefined) this.#pods.push({ name, namespace, labels: labelsOf(meta.labels) })
      return 'read'
    }
    if (group === '' && kind === 'Namespace') {
      if (name !== undefined) this.#namespaces.push({ name, labels: labelsOf(meta.labels) })
      return 'read'
    }
    if (group === 'apps' && typeof kind === 'string' && POD_CONTROLLERS.has(kind)) {
      // One Pod stands for all replicas: analysis asks whether some Pod has the labels, not how many.
      const replicas = numberOf(spec.replicas)
      if (name !== undefined && replicas !== 0) this.#pods.push({ name, namespace, labels: labelsOf(objectAt(objectAt(spec, 'template'), 'metadata').labels) })
      return 'read'
    }
    return 'ignored'
  }

  cluster(): Cluster {
    return { services: [...this.#services], pods: [...this.#pods], namespaces: [...this.#namespaces] }
  }
}

function service(name: string, namespace: string, spec: Obj): ClusterService {
  const ports: ServicePort[] = []
  for (const item of listAt(spec, 'ports')) {
    if (!isObj(item)) continue
    const port = numberOf(item.port)
    if (port === undefined) continue
    const targetPort = numberOf(item.targetPort) ?? (typeof item.targetPort === 'string' && /^\d+$/.test(item.targetPort) ? Number(item.targetPort) : undefined)
    const portName = textOf(item.name)
    ports.push({
      port,
      ...(targetPort === undefined || targetPort === 0 ? {} : { targetPort }),
      protocol: textOf(item.protocol) ?? 'TCP',
      ...(portName === undefined ? {} : { name: portName }),
    })
  }
  const selector = isObj(spec.selector) ? labelsOf(spec.selector) : undefined
  return { name, namespace, ...(selector === undefined || Object.keys(selector).length === 0 ? {} : { selector }), ports }
}
