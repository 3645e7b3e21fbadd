/**
 * `meshdojo analyze`: files as `istioctl analyze` reads them. Istio documents are validated (every finding is
 * reported, and one that failed is still analyzed, as istioctl does); Kubernetes objects (Services, Pods,
 * Deployments, Namespaces) are read into the cluster the config is checked against, on top of the one given.
 */

import { parseConfig } from '../parse/parse-config.ts'
import type { Diagnostic } from '../types.ts'
import { analyzeConfig } from './analyze-config.ts'
import { mergeClusters, type Cluster } from './cluster.ts'
import { KubernetesObjects } from './k8s-objects.ts'
import type { AnalyzedResource } from './views.ts'

export interface AnalyzedFile {
  readonly text: string
  /** Names the source in diagnostics. */
  readonly file: string
}

export interface AnalyzeFilesOptions {
  /**
   * The cluster before the files' Kubernetes objects are added (e.g. the one meshdojo simulates). Without one,
   * the cluster is what the files hold, and the checks that need one are skipped if they hold nothing.
   */
  readonly cluster?: Cluster
}

/** Validation findings of every file, in file order, then the analysis of everything together. */
export function analyzeFiles(files: readonly AnalyzedFile[], opts: AnalyzeFilesOptions = {}): Diagnostic[] {
  const diagnostics: Diagnostic[] = []
  const resources: AnalyzedResource[] = []
  const kubernetes = new KubernetesObjects()
  for (const { text, file } of files) {
    const parsed = parseConfig(text, file, { otherKind: kubernetes.offer })
    for (const d of parsed.diagnostics) diagnostics.push(d) // loops, not push(...list): long lists overflow the stack
    // Valid and invalid resources in document order (analysis is order-sensitive: oldest first).
    const inFile: AnalyzedResource[] = [...parsed.resources, ...parsed.invalid]
    inFile.sort((a, b) => (a.meta.source?.document ?? 0) - (b.meta.source?.document ?? 0))
    for (const r of inFile) resources.push(r)
  }
  const found = kubernetes.cluster()
  const empty = found.services.length + found.pods.length + found.namespaces.length === 0
  const cluster = opts.cluster === undefined ? (empty ? undefined : found) : mergeClusters(opts.cluster, found)
  for (const d of analyzeConfig(resources, cluster === undefined ? {} : { cluster })) diagnostics.push(d)
  return diagnostics
}
