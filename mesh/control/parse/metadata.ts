/**
 * `metadata`: a name that follows Kubernetes' rules for the kind, a namespace (default `default`), and labels
 * and annotations that are maps of strings (labels with valid keys and values), as the API server requires.
 */

import { checkShape, isObj, object, str, strMap } from './fields.ts'
import { checkLabels, dnsLabelProblem, dnsSubdomainProblem } from './names.ts'
import { at, type Reporter } from './reporter.ts'

export interface Meta {
  readonly name: string
  readonly namespace: string
  /** `metadata.annotations`, as strings (anything else is reported). */
  readonly annotations: Readonly<Record<string, string>>
}

/** Kubernetes-managed fields that may appear when re-applying `get -o yaml` output; all ignored. */
const KNOWN = ['name', 'namespace', 'labels', 'annotations', 'uid', 'resourceVersion', 'generation',
  'creationTimestamp', 'managedFields', 'ownerReferences', 'finalizers', 'selfLink', 'deletionTimestamp',
  'deletionGracePeriodSeconds', 'generateName']

export function metadata(v: unknown, r: Reporter, nameRule: 'subdomain' | 'label'): Meta | undefined {
  const field = 'metadata'
  const o = object(v, field, r)
  if (o === undefined) {
    if (!isObj(v)) r.error('MD0005', 'metadata.name', 'is required')
    return undefined
  }
  checkShape(o, field, r, { fields: KNOWN })
  // Kubernetes keeps labels and annotations as string maps; anything else is a schema error there too.
  const labels = strMap(o.labels, at(field, 'labels'), r)
  checkLabels(labels, at(field, 'labels'), r)
  const annotations = strMap(o.annotations, at(field, 'annotations'), r)
  const name = str(o.name, at(field, 'name'), r)
  const namespace = str(o.namespace, at(field, 'namespace'), r) || 'default'
  if (namespace !== undefined) r.identity.namespace = namespace
  if (!name) {
    r.error('MD0005', at(field, 'name'), o.generateName ? 'is required (generateName is not supported)' : 'is required')
    return undefined
  }
  r.identity.name = name
  const problem = nameRule === 'label' ? dnsLabelProblem(name) : dnsSubdomainProblem(name)
  if (problem !== undefined) r.error('MD0005', at(field, 'name'), problem, name)
  const nsProblem = dnsLabelProblem(namespace)
  if (nsProblem !== undefined) r.error('MD0005', at(field, 'namespace'), nsProblem, namespace)
  return problem === undefined && nsProblem === undefined ? { name, namespace, annotations } : undefined
}
