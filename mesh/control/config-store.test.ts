import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { ConfigStore } from './config-store.ts'
import { ConfigRejectedError, formatDiagnostic } from './diagnostics.ts'
import type { ConfigSnapshot, VirtualService } from './types.ts'

const SAMPLES = process.env.ISTIO_SAMPLES_DIR ?? fileURLToPath(new URL('../../samples/istio', import.meta.url))
const sample = (file: string) => readFileSync(join(SAMPLES, file), 'utf8')

const REVIEWS_V2 = `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v2}
`

function store() {
  let now = 1_000_000
  const s = new ConfigStore({ now: () => now })
  return { s, advance: (ms: number) => (now += ms) }
}

function rejection(fn: () => unknown): ConfigRejectedError {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigRejectedError)
    return e as ConfigRejectedError
  }
  throw new Error('expected a rejection')
}

describe('ConfigStore', () => {
  test('created, then unchanged, then configured; the version moves only on real changes', () => {
    const { s } = store()
    expect(s.snapshot().version).toBe(0)
    const first = s.applyText(sample('destination-rule-all.yaml'), 'destination-rule-all.yaml')
    expect(first.changes.map((c) => `${c.kind}/${c.name} ${c.action}`)).toEqual([
      'DestinationRule/productpage created',
      'DestinationRule/reviews created',
      'DestinationRule/ratings created',
      'DestinationRule/details created',
    ])
    expect(s.snapshot().version).toBe(1)
    const again = s.applyText(sample('destination-rule-all.yaml'), 'again.yaml')
    expect(again.changes.every((c) => c.action === 'unchanged')).toBe(true)
    expect(s.snapshot().version).toBe(1)
    const mtls = s.applyText(sample('destination-rule-all-mtls.yaml'), 'mtls.yaml')
    expect(mtls.changes.map((c) => c.action)).toEqual(['configured', 'configured', 'configured', 'configured'])
    expect(s.snapshot().version).toBe(2)
    expect(s.snapshot().destinationRules.map((d) => d.spec.trafficPolicy?.tls?.mode)).toEqual(['ISTIO_MUTUAL', 'ISTIO_MUTUAL', 'ISTIO_MUTUAL', 'ISTIO_MUTUAL'])
  })

  test('atomic: one bad document rejects the whole batch and nothing changes', () => {
    const { s } = store()
    s.applyText(sample('virtual-service-all-v1.yaml'), 'all-v1.yaml')
    const before = s.snapshot()
    const bad = `${sample('destination-rule-all.yaml')}---\n${REVIEWS_V2.replace('subset: v2}', 'subset: v2}\n      weight: fifty')}`
    const err = rejection(() => s.applyText(bad, 'bad.yaml'))
    expect(err.code).toBe('MESH_CONFIG_INVALID')
    expect(err.field).toBe('spec.http[0].route[0].weight')
    expect(err.errors.map(formatDiagnostic)).toEqual([
      'Error [MD0101] (VirtualService reviews.default) spec.http[0].route[0].weight: must be a non-negative integer, got "fifty" (bad.yaml, document 6)',
    ])
    expect(err.message).toContain('config rejected, nothing applied: 1 error')
    expect(s.snapshot()).toBe(before)
    expect(s.snapshot().version).toBe(1)
    expect(s.list('dr')).toEqual([])
  })

  test('a VirtualService bound to a Gateway that does not exist is rejected (IST0101 Error)', () => {
    const { s } = store()
    const vsOnly = sample('bookinfo-gateway.yaml').split('---')[1]!
    const err = rejection(() => s.applyText(vsOnly, 'vs.yaml'))
    expect(err.errors.map((d) => `${d.code} ${d.field} ${d.message}`)).toEqual([
      'IST0101 spec.gateways[0] Referenced gateway not found: "bookinfo-gateway"',
    ])
    expect(s.snapshot().version).toBe(0)
    // Together with its Gateway it goes in.
    expect(s.applyText(sample('bookinfo-gateway.yaml'), 'bookinfo-gateway.yaml').warnings).toEqual([])
  })

  test('a subset no DestinationRule defines is a warning: the apply goes through (and will 503 at run time)', () => {
    const { s } = store()
    const result = s.applyText(REVIEWS_V2, 'reviews-v2.yaml')
    expect(result.changes).toEqual([{ kind: 'VirtualService', name: 'reviews', namespace: 'default', action: 'created' }])
    expect(result.warnings.map(formatDiagnostic)).toEqual([
      'Warning [IST0101] (VirtualService reviews.default) spec.http[0].route[0].destination.subset: Referenced host+subset in destinationrule not found: "reviews+v2" (reviews-v2.yaml, document 1)',
    ])
    expect(s.applyText(sample('destination-rule-all.yaml'), 'dr.yaml').warnings).toEqual([])
  })

  test('delete and deleteResources', () => {
    const { s } = store()
    s.applyText(sample('virtual-service-all-v1.yaml'), 'all-v1.yaml')
    expect(s.delete('vs', 'reviews')).toBe(true)
    expect(s.delete('VirtualService', 'reviews')).toBe(false)
    expect(s.snapshot().version).toBe(2)
    expect(s.get('virtualservices', 'reviews')).toBeUndefined()
    const result = s.deleteResources(s.parse(sample('virtual-service-all-v1.yaml'), 'all-v1.yaml'))
    expect(result.deleted.map((r) => r.name)).toEqual(['productpage', 'ratings', 'details'])
    expect(result.notFound.map((r) => r.name)).toEqual(['reviews'])
    expect(s.snapshot().version).toBe(3)
    expect(s.list()).toEqual([])
  })

  test('deleting a Gateway does not block later unrelated applies', () => {
    const { s } = store()
    s.applyText(sample('bookinfo-gateway.yaml'), 'gw.yaml')
    s.delete('gw', 'bookinfo-gateway')
    expect(() => s.applyText(sample('destination-rule-all.yaml'), 'dr.yaml')).not.toThrow()
  })

  test('subscribers are called synchronously, once per accepted change, with the new snapshot', () => {
    const { s } = store()
    const seen: ConfigSnapshot[] = []
    const unsubscribe = s.subscribe((snap) => seen.push(snap))
    s.applyText(sample('destination-rule-all.yaml'), 'dr.yaml') // change 1 (four resources, one change)
    expect(seen.map((x) => x.version)).toEqual([1])
    s.applyText(sample('destination-rule-all.yaml'), 'dr.yaml') // unchanged: no call
    expect(() => s.applyText('kind: Nope\n', 'bad.yaml')).toThrow(ConfigRejectedError) // rejected: no call
    s.applyText(REVIEWS_V2, 'vs.yaml') // change 2
    s.delete('dr', 'ratings') // change 3
    s.delete('dr', 'ratings') // nothing to delete: no call
    expect(seen.map((x) => x.version)).toEqual([1, 2, 3])
    expect(seen[2]).toBe(s.snapshot())
    unsubscribe()
    s.delete('dr', 'details')
    expect(seen).toHaveLength(3)
  })

  test('snapshots are frozen and keep apply order', () => {
    const { s } = store()
    s.applyText(sample('virtual-service-all-v1.yaml'), 'a.yaml')
    s.applyText(sample('virtual-service-reviews-v3.yaml'), 'b.yaml')
    const snap = s.snapshot()
    expect(Object.isFrozen(snap)).toBe(true)
    expect(Object.isFrozen(snap.virtualServices)).toBe(true)
    expect(snap.virtualServices.map((v) => v.meta.name)).toEqual(['productpage', 'reviews', 'ratings', 'details'])
    expect(snap.virtualServices[1]!.spec.http[0]!.route[0]!.destination.subset).toBe('v3')
  })

  test('createdAt survives configure; replaceAll swaps the whole config in one change', () => {
    const { s, advance } = store()
    s.applyText(sample('virtual-service-all-v1.yaml'), 'a.yaml')
    advance(5000)
    s.applyText(sample('virtual-service-reviews-v3.yaml'), 'b.yaml')
    expect(s.createdAt('vs', 'reviews')).toBe(1_000_000)
    const result = s.replaceAll(s.parse(sample('bookinfo-gateway.yaml'), 'gw.yaml'))
    expect(result.changes.map((c) => `${c.kind}/${c.name} ${c.action}`)).toEqual([
      'Gateway/bookinfo-gateway created',
      'VirtualService/bookinfo created',
      'VirtualService/productpage deleted',
      'VirtualService/reviews deleted',
      'VirtualService/ratings deleted',
      'VirtualService/details deleted',
    ])
    expect(s.snapshot().version).toBe(3)
    expect(s.list().map((r) => r.meta.name)).toEqual(['bookinfo-gateway', 'bookinfo'])
  })

  test('dry run reports but changes nothing; duplicates in one batch: the last wins', () => {
    const { s } = store()
    const dry = s.applyText(sample('virtual-service-all-v1.yaml'), 'a.yaml', { dryRun: true })
    expect(dry.changes).toHaveLength(4)
    expect(s.snapshot().version).toBe(0)
    const twice = s.applyText(`${sample('virtual-service-reviews-v3.yaml')}\n---\n${sample('virtual-service-reviews-test-v2.yaml')}`, 'twice.yaml')
    expect(twice.changes).toHaveLength(1)
    expect(twice.warnings.map((w) => w.code)).toContain('MD0006')
    expect((s.get('vs', 'reviews') as VirtualService).spec.http).toHaveLength(2)
  })

  test("every Istio sample except the egress one applies, one after another, as in Istio's tasks", () => {
    const { s } = store()
    const files = readdirSync(SAMPLES).filter((f) => f.endsWith('.yaml') && f !== 'egress-rule-google-apis.yaml').sort()
    for (const f of files) expect(() => s.applyText(sample(f), f), f).not.toThrow()
    expect(() => s.applyText(sample('egress-rule-google-apis.yaml'), 'egress.yaml')).toThrow(/ServiceEntry/)
  })

  test('unknown kind names fail with the list of valid ones', () => {
    const { s } = store()
    expect(() => s.list('serviceentries')).toThrow(/use one of: virtualservices \(vs\), destinationrules \(dr\), gateways \(gw\)/)
  })
})
