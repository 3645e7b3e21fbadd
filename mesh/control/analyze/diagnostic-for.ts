/** Builds a diagnostic about one resource, and walks the destinations of a VirtualService as applied. */

import type { Code } from '../codes.ts'
import type { Diagnostic, DiagnosticLevel } from '../types.ts'
import { listAt, objectAt, type AnalyzedResource } from './views.ts'

export function diagnosticFor(
  resource: AnalyzedResource,
  level: DiagnosticLevel,
  code: Code,
  field: string | undefined,
  message: string,
  ...value: [] | [unknown]
): Diagnostic {
  return {
    level,
    code,
    kind: resource.kind,
    name: resource.meta.name,
    namespace: resource.meta.namespace,
    ...(field === undefined ? {} : { field }),
    message,
    ...(value.length > 0 ? { value: value[0] } : {}),
    ...(resource.meta.source === undefined ? {} : { source: resource.meta.source }),
  }
}

/** `default/reviews`, as istioctl names resources inside messages. */
export const fullName = (r: AnalyzedResource): string => `${r.meta.namespace}/${r.meta.name}`

export interface DestinationRef {
  readonly host: string
  readonly subset?: string
  /** Path of the `destination` object, e.g. `spec.http[0].route[1].destination`. */
  readonly field: string
  readonly mirror: boolean
}

/**
 * Every destination written in the VirtualService (from `raw`, so weight-0 entries the parser dropped are
 * still checked and field paths match the file), then mirrors.
 */
export function destinationsOf(vs: AnalyzedResource): DestinationRef[] {
  const out: DestinationRef[] = []
  const http = listAt(objectAt(vs.raw, 'spec'), 'http')
  http.forEach((route, i) => {
    const at = `spec.http[${i}]`
    listAt(route, 'route').forEach((rd, j) => {
      const d = objectAt(rd, 'destination')
      if (typeof d.host === 'string') out.push({ ...ref(d), field: `${at}.route[${j}].destination`, mirror: false })
    })
    const mirror = objectAt(route, 'mirror')
    if (typeof mirror.host === 'string') out.push({ ...ref(mirror), field: `${at}.mirror`, mirror: true })
    listAt(route, 'mirrors').forEach((m, k) => {
      const d = objectAt(m, 'destination')
      if (typeof d.host === 'string') out.push({ ...ref(d), field: `${at}.mirrors[${k}].destination`, mirror: true })
    })
  })
  return out
}

const ref = (d: Record<string, unknown>) => ({
  host: d.host as string,
  ...(typeof d.subset === 'string' && d.subset !== '' ? { subset: d.subset } : {}),
})
