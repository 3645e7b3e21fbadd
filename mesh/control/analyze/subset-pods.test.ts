import { describe, expect, test } from 'vitest'
import { analyzeFiles } from './analyze-files.ts'
import { clusterOfWorkloads } from './cluster.ts'

const CLUSTER = clusterOfWorkloads([
  { app: 'reviews', version: 'v1', servicePort: 9080 },
  { app: 'reviews', version: 'v2', servicePort: 9080 },
  { app: 'details', version: 'v9', servicePort: 9080 },
])
const findings = (host: string, subsets: string) =>
  analyzeFiles([{ text: `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: dr}\nspec:\n  host: ${host}\n  subsets: ${subsets}\n`, file: 'dr.yaml' }], { cluster: CLUSTER })
    .filter((d) => d.code === 'IST0173' || d.code === 'IST0174').map((d) => `${d.level} ${d.code} ${d.field}: ${d.message}`)

describe('DestinationRule subsets that select no Pod (IST0173)', () => {
  test("a subset whose labels none of the host's Pods carry, even if another app's Pod does", () => {
    expect(findings('reviews', '[{name: v1, labels: {version: v1}}, {name: v9, labels: {version: v9}}]')).toEqual([
      'Warning IST0173 spec.subsets[1]: The Subset v9 defined in the DestinationRule does not select any pods. Which may lead to 503 UH (NoHealthyUpstream).',
    ])
  })

  test('every subset selecting a Pod is fine; a wildcard host asks each Service it covers; an unknown host is IST0174 only', () => {
    expect(findings('reviews.default.svc.cluster.local', '[{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]')).toEqual([])
    expect(findings('"*.default.svc.cluster.local"', '[{name: v9, labels: {version: v9}}]')).toEqual([])
    expect(findings('nope', '[{name: v1, labels: {version: v1}}]')).toEqual([
      'Warning IST0174 spec.host: The host nope defined in the DestinationRule does not match any services in the mesh.',
    ])
  })
})
