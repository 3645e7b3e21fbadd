import { describe, expect, test } from 'vitest'
import { parse } from 'yaml'
import { ConfigStore } from './config-store.ts'
import { formatResources, humanDuration } from './format.ts'
import { resolveKind } from './kinds.ts'
import type { IstioResource } from './types.ts'

const CONFIG = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: bookinfo-gateway}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 8080, name: http, protocol: HTTP}
    hosts: ["*"]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: bookinfo}
spec:
  hosts: ["*"]
  gateways: [bookinfo-gateway]
  http:
  - route:
    - destination: {host: productpage, port: {number: 9080}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews}
spec:
  host: reviews
`

describe('resolveKind', () => {
  test.each([
    ['virtualservices', 'VirtualService'],
    ['virtualservice', 'VirtualService'],
    ['vs', 'VirtualService'],
    ['VirtualService', 'VirtualService'],
    ['virtualservices.networking.istio.io', 'VirtualService'],
    ['destinationrules', 'DestinationRule'],
    ['dr', 'DestinationRule'],
    ['gateways', 'Gateway'],
    ['gw', 'Gateway'],
    ['cm', 'ConfigMap'],
    ['configmaps', 'ConfigMap'],
  ])('%s → %s', (name, kind) => {
    expect(resolveKind(name)).toBe(kind)
  })

  test('an unknown name lists the valid ones', () => {
    expect(() => resolveKind('se')).toThrow(
      expect.objectContaining({ code: 'MESH_USAGE', message: 'unknown resource type "se"; use one of: virtualservices (vs), destinationrules (dr), gateways (gw), peerauthentications (pa), authorizationpolicies (ap), localratelimits (lrl), configmaps (cm)' }),
    )
  })
})

describe('formatResources', () => {
  let now = 0
  const store = new ConfigStore({ now: () => now })
  store.applyText(CONFIG, 'c.yaml')
  const createdAt = (r: IstioResource) => store.createdAt(r.kind, r.meta.name, r.meta.namespace)
  now = 75_000

  test('tables like kubectl: one per kind, the CRD printer columns, AGE', () => {
    expect(formatResources(store.list('vs'), 'table', { createdAt, now })).toBe(
      'NAME       GATEWAYS               HOSTS         AGE\n' +
        'bookinfo   ["bookinfo-gateway"]   ["*"]         75s\n' +
        'reviews                           ["reviews"]   75s\n',
    )
    expect(formatResources(store.list('dr'), 'table', { createdAt, now })).toBe('NAME      HOST      AGE\nreviews   reviews   75s\n')
    expect(formatResources(store.list('gw'), 'table', { createdAt, now, allNamespaces: true })).toBe(
      'NAMESPACE   NAME               AGE\ndefault     bookinfo-gateway   75s\n',
    )
    expect(formatResources([], 'table')).toBe('No resources found.\n')
  })

  test('yaml and json give the resource as applied; several become a List', () => {
    const one = parse(formatResources([store.get('dr', 'reviews')!], 'yaml', { createdAt }))
    expect(one).toEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'reviews', namespace: 'default', creationTimestamp: '1970-01-01T00:00:00Z' },
      spec: { host: 'reviews' },
    })
    const list = JSON.parse(formatResources(store.list('vs'), 'json'))
    expect(list.kind).toBe('List')
    expect(list.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['bookinfo', 'reviews'])
    // What get -o yaml prints can be applied again, unchanged.
    const again = store.applyText(formatResources(store.list(), 'yaml'), 'roundtrip.yaml')
    expect(again.changes.every((c) => c.action === 'unchanged')).toBe(true)
  })

  test.each([
    [45_000, '45s'],
    [192_000, '3m12s'],
    [900_000, '15m'],
    [5 * 3600_000 + 600_000, '5h10m'],
    [20 * 3600_000, '20h'],
    [76 * 3600_000, '3d4h'],
    [200 * 86400_000, '200d'],
  ])('age %i ms → %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text)
  })
})
