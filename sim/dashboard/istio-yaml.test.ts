import { parse, parseAllDocuments } from 'yaml'
import { describe, expect, test } from 'vitest'
import { ConfigStore } from '../../mesh/control/index.ts'
import { sample } from '../../test/support/samples.ts'
import type { RoutingAction } from './actions.ts'
import { configSummary } from './config-summary.ts'
import { FAULT_ROUTE, routingYaml, RoutingError } from './istio-yaml.ts'
import { currentWeights, isMirrored } from './routing-state.ts'

const VERSIONS = new Map([
  ['productpage', ['v1']],
  ['details', ['v1']],
  ['reviews', ['v1', 'v2', 'v3']],
  ['ratings', ['v1']],
])
const KNOWN = new Set([...VERSIONS.keys()].map((s) => `${s}.default.svc.cluster.local`))

function mesh(...files: string[]) {
  const store = new ConfigStore({ knownServices: () => KNOWN })
  store.applyText(sample('bookinfo-gateway.yaml'), 'bookinfo-gateway.yaml')
  for (const f of files) store.applyText(sample(f), f)
  /** Generates the YAML for `action`, applies it like the dashboard does, and returns it with the summary after. */
  const run = (action: RoutingAction, versions = VERSIONS) => {
    const { yaml, documents } = routingYaml(action, store.snapshot(), versions)
    const result = store.applyText(yaml, 'dashboard')
    expect(result.warnings.filter((w) => w.level !== 'Info')).toEqual([])
    const summary = configSummary(store.snapshot(), {}).filter((l) => l.kind !== 'GW' && !l.name.startsWith('bookinfo')).map((l) => `${l.kind} ${l.name}: ${l.summary}`)
    return { yaml, documents, kinds: documents.map((d) => `${d.kind} ${(d.metadata as { name: string }).name}`), summary }
  }
  return { store, run }
}

describe('Istio YAML for dashboard actions', () => {
  test('fault for jason on a service without routing: a first route matching end-user, then everyone else', () => {
    const { run } = mesh()
    const { yaml, kinds, summary } = run({ type: 'fault', service: 'ratings', fault: { kind: 'delay', ms: 7000 }, percent: 100, user: 'jason' })
    expect(kinds).toEqual(['VirtualService ratings'])
    expect(parse(yaml)).toEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'ratings' },
      spec: {
        hosts: ['ratings'],
        http: [
          { name: FAULT_ROUTE, match: [{ headers: { 'end-user': { exact: 'jason' } } }], fault: { delay: { percentage: { value: 100 }, fixedDelay: '7s' } }, route: [{ destination: { host: 'ratings' } }] },
          { route: [{ destination: { host: 'ratings' } }] },
        ],
      },
    })
    expect(summary).toEqual(['VS ratings: jason→ratings [delay 7s], *→ratings'])
  })

  test("fault for everyone on Istio's all-v1 routing: the fault joins the existing route, subsets stay", () => {
    const { run } = mesh('destination-rule-all.yaml', 'virtual-service-all-v1.yaml')
    const { kinds, summary } = run({ type: 'fault', service: 'ratings', fault: { kind: 'abort', status: 500 }, percent: 50 })
    expect(kinds).toEqual(['VirtualService ratings'])
    expect(summary).toContain('VS ratings: *→v1 [abort 500 50%]')
    // A user fault replaces the previous one, goes where jason went, and off removes every fault.
    expect(run({ type: 'fault', service: 'ratings', fault: { kind: 'delay', ms: 2000 }, percent: 10, user: 'jason' }).summary).toContain('VS ratings: jason→v1 [delay 2s 10%], *→v1 [abort 500 50%]')
    expect(run({ type: 'fault', service: 'ratings', fault: { kind: 'off' }, percent: 0 }).summary).toContain('VS ratings: *→v1')
  })

  test("fault for jason follows jason's own route (Istio's reviews-test-v2)", () => {
    const { run } = mesh('destination-rule-all.yaml', 'virtual-service-reviews-test-v2.yaml')
    expect(run({ type: 'fault', service: 'reviews', fault: { kind: 'abort', status: 503 }, percent: 100, user: 'jason' }).summary).toContain(
      'VS reviews: jason→v2 [abort 503], *→v1',
    )
  })

  test('split on a service with no DestinationRule creates one with every version, then the weighted route', () => {
    const { run } = mesh()
    const { kinds, documents, summary } = run({ type: 'split', service: 'reviews', weights: { v1: 80, v3: 20 } })
    expect(kinds).toEqual(['DestinationRule reviews', 'VirtualService reviews'])
    expect(documents[0]!.spec).toEqual({ host: 'reviews', subsets: ['v1', 'v2', 'v3'].map((v) => ({ name: v, labels: { version: v } })) })
    expect(summary).toEqual(['VS reviews: *→v1 80% v3 20%', 'DR reviews: v1 v2 v3'])
    // A second split only changes the VirtualService; everything to one version drops the weights.
    const again = run({ type: 'split', service: 'reviews', weights: { v3: 100 } })
    expect(again.kinds).toEqual(['VirtualService reviews'])
    expect(parse(again.yaml).spec.http).toEqual([{ route: [{ destination: { host: 'reviews', subset: 'v3' } }] }])
  })

  test('split keeps matched routes and the jason fault route follows the new weights', () => {
    const { run } = mesh('destination-rule-all.yaml', 'virtual-service-reviews-jason-v2-v3.yaml')
    run({ type: 'fault', service: 'reviews', fault: { kind: 'delay', ms: 500 }, percent: 100, user: 'bob' })
    const { summary } = run({ type: 'split', service: 'reviews', weights: { v1: 50, v3: 50 } })
    expect(summary).toContain('VS reviews: bob→v1 50% v3 50% [delay 500ms], jason→v2, *→v1 50% v3 50%')
  })

  test('an existing DestinationRule keeps its traffic policy and gains only the missing subset', () => {
    const { store, run } = mesh('destination-rule-reviews.yaml')
    store.applyText(
      'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: reviews}\nspec:\n  host: reviews\n  trafficPolicy: {loadBalancer: {simple: RANDOM}}\n  subsets: [{name: v1, labels: {version: v1}}]\n',
      'dr.yaml',
    )
    const { kinds, summary } = run({ type: 'split', service: 'reviews', weights: { v1: 50, v2: 50 } })
    expect(kinds).toEqual(['DestinationRule reviews', 'VirtualService reviews'])
    expect(summary).toContain('DR reviews: v1 v2 · RANDOM')
  })

  test('mirror on: all live traffic to v1, copies to v2 (Istio mirroring task); off removes only the mirror', () => {
    const { run } = mesh()
    const on = run({ type: 'mirror', on: true })
    expect(on.kinds).toEqual(['DestinationRule reviews', 'VirtualService reviews'])
    expect(parse(parseAllDocuments(on.yaml)[1]!.toString()).spec.http).toEqual([
      { route: [{ destination: { host: 'reviews', subset: 'v1' } }], mirror: { host: 'reviews', subset: 'v2' }, mirrorPercentage: { value: 100 } },
    ])
    expect(on.summary).toContain('VS reviews: *→v1 [mirror v2]')
    expect(run({ type: 'mirror', on: false }).summary).toContain('VS reviews: *→v1')
  })

  test('mirror keeps a split in force; with httpbin running it mirrors httpbin by default', () => {
    const { run } = mesh()
    run({ type: 'split', service: 'reviews', weights: { v1: 50, v3: 50 } })
    expect(run({ type: 'mirror', on: true }).summary).toContain('VS reviews: *→v1 50% v3 50% [mirror v2]')
    const withHttpbin = new Map([...VERSIONS, ['httpbin', ['v1', 'v2']]])
    const store = new ConfigStore()
    const { yaml } = routingYaml({ type: 'mirror', on: true }, store.snapshot(), withHttpbin)
    store.applyText(yaml, 'dashboard')
    expect(configSummary(store.snapshot(), {}).map((l) => `${l.kind} ${l.name}: ${l.summary}`)).toEqual(['VS httpbin: *→v1 [mirror v2]', 'DR httpbin: v1 v2'])
  })

  test('what the keys start from: the weights in force and whether a mirror is on', () => {
    const { store, run } = mesh()
    expect(currentWeights(store.snapshot(), 'reviews')).toBeUndefined()
    run({ type: 'split', service: 'reviews', weights: { v1: 80, v3: 20 } })
    expect(currentWeights(store.snapshot(), 'reviews')).toEqual({ v1: 80, v3: 20 })
    expect(isMirrored(store.snapshot(), 'reviews')).toBe(false)
    run({ type: 'mirror', on: true })
    expect(isMirrored(store.snapshot(), 'reviews')).toBe(true)
  })

  test('unknown services and versions are refused before anything is applied', () => {
    const { store } = mesh()
    expect(() => routingYaml({ type: 'split', service: 'reviews', weights: { v1: 50, v4: 50 } }, store.snapshot(), VERSIONS)).toThrow(
      new RoutingError('reviews has no version v4; versions: v1, v2, v3'),
    )
    expect(() => routingYaml({ type: 'fault', service: 'nosuch', fault: { kind: 'off' }, percent: 0 }, store.snapshot(), VERSIONS)).toThrow(/no service named "nosuch"; services: details, productpage, ratings, reviews/)
    expect(() => routingYaml({ type: 'mirror', on: true, service: 'ratings' }, store.snapshot(), VERSIONS)).toThrow(/ratings has no version v2 to mirror to/)
  })
})
