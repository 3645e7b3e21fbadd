/** Cross-resource analysis stays linear in the number of resources, hosts and servers. */
import { describe, expect, test } from 'vitest'
import { ConfigStore } from '../config-store.ts'
import { isError } from '../diagnostics.ts'
import { parseConfig } from '../parse/parse-config.ts'
import { analyzeConfig } from './analyze-config.ts'

function quickly<T>(ms: number, fn: () => T): T {
  const started = performance.now()
  const out = fn()
  expect(performance.now() - started).toBeLessThan(ms)
  return out
}
const parsed = (text: string) => {
  const { resources, diagnostics } = parseConfig(text, 'a.yaml')
  expect(diagnostics.filter(isError)).toEqual([])
  return resources
}
/** Documents joined into texts of at most 500 (what one apply may hold). */
const chunks = (docs: readonly string[]): string[] => Array.from({ length: Math.ceil(docs.length / 500) }, (_, i) => docs.slice(i * 500, i * 500 + 500).join('---\n'))
const gateway = (name: string, hosts: readonly string[]) =>
  `apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: ${name}}\nspec:\n  selector: {istio: ingressgateway}\n  servers:\n  - port: {number: 80, name: http, protocol: HTTP}\n    hosts: [${hosts.map((h) => `"${h}"`).join(', ')}]\n`
const virtualService = (name: string, hosts: readonly string[], gateways: readonly string[], subset?: string) =>
  `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: ${name}}\nspec:\n  hosts: [${hosts.map((h) => `"${h}"`).join(', ')}]\n  gateways: [${gateways.join(', ')}]\n  http:\n  - route:\n    - destination: {host: ratings${subset ? `, subset: ${subset}` : ''}}\n`
const destinationRule = (name: string, host: string, subset: string) =>
  `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: ${name}}\nspec:\n  host: ${host}\n  subsets: [{name: ${subset}, labels: {version: ${subset}}}]\n`

describe('analysis bounds', () => {
  test('a VirtualService with 5,000 hosts against a Gateway with 5,000 hosts', () => {
    const gwHosts = Array.from({ length: 5000 }, (_, i) => `g${i}.example.com`)
    const vsHosts = Array.from({ length: 5000 }, (_, i) => `v${i}.example.com`)
    const resources = parsed(`${gateway('gw', gwHosts)}---\n${virtualService('vs', vsHosts, ['gw'])}`)
    const out = quickly(500, () => analyzeConfig(resources))
    expect(out.map((d) => d.code)).toEqual(['IST0132'])
    const overlapping = parsed(`${gateway('gw', [...gwHosts, '*.example.com'])}---\n${virtualService('vs', vsHosts, ['gw'])}`)
    expect(quickly(500, () => analyzeConfig(overlapping))).toEqual([])
  })

  test('500 Gateways on one selector, port and host: one IST0145 each, messages bounded', () => {
    const text = Array.from({ length: 500 }, (_, i) => gateway(`gw${i}`, ['*'])).join('---\n')
    const out = quickly(1_000, () => analyzeConfig(parsed(text)))
    expect(out).toHaveLength(500)
    expect(out.every((d) => d.code === 'IST0145')).toBe(true)
    expect(Math.max(...out.map((d) => d.message.length))).toBeLessThan(1_000)
    expect(out[0]!.message).toMatch(/^Conflict with gateways default\/gw1,default\/gw10,.* and \d+ more \(workload selector istio=ingressgateway, port 80, hosts \*\)\.$/)
  })

  test('500 mesh VirtualServices for one host: one IST0109 each, messages bounded', () => {
    const text = Array.from({ length: 500 }, (_, i) => virtualService(`vs${i}`, ['ratings'], ['mesh'])).join('---\n')
    const out = quickly(1_000, () => analyzeConfig(parsed(text)))
    expect(out).toHaveLength(500)
    expect(out.every((d) => d.code === 'IST0109')).toBe(true)
    expect(Math.max(...out.map((d) => d.message.length))).toBeLessThan(1_000)
  })

  test('2,000 VirtualServices using subsets of 2,000 DestinationRules, wildcard hosts included', () => {
    const drs = Array.from({ length: 2000 }, (_, i) => destinationRule(`dr${i}`, i === 0 ? '"*.default.svc.cluster.local"' : 'ratings', `v${i}`))
    const vss = Array.from({ length: 2000 }, (_, i) => virtualService(`vs${i}`, [`h${i}`], ['mesh'], `v${i}`))
    const resources = chunks([...drs, ...vss]).flatMap(parsed)
    const out = quickly(1_000, () => analyzeConfig(resources))
    expect(out.filter((d) => d.code === 'IST0101')).toEqual([])
    expect(out.filter((d) => d.code === 'MD0201')).toHaveLength(1998)
  })

  test('the store checks an apply of 500 resources against 1,000 applied ones for the same host quickly', () => {
    const store = new ConfigStore()
    // Each exported only to its own namespace, so they do not conflict (IST0109 is an Error) yet share the host.
    const batch = (n: number) => Array.from({ length: 500 }, (_, i) =>
      virtualService(`vs${n}-${i}`, ['ratings.default.svc.cluster.local'], ['mesh']).replace('metadata: {name: ', `metadata: {namespace: n${n}-${i}, name: `).replace('spec:\n', 'spec:\n  exportTo: ["."]\n')).join('---\n')
    store.applyText(batch(0), 'a.yaml')
    store.applyText(batch(1), 'b.yaml')
    quickly(1_000, () => store.applyText(batch(2), 'c.yaml'))
    expect(store.list()).toHaveLength(1_500)
  })

  test('499 mesh VirtualServices, each exported to its own namespace, against a wider wildcard exported to all', () => {
    const scoped = Array.from({ length: 499 }, (_, i) =>
      virtualService(`vs${i}`, ['*.example.com'], ['mesh']).replace('metadata: {name: ', `metadata: {namespace: n${i}, name: `).replace('spec:\n', 'spec:\n  exportTo: ["."]\n'))
    const out = quickly(1_000, () => analyzeConfig(parsed([...scoped, virtualService('wide', ['*.com'], ['mesh'])].join('---\n'))))
    expect(out.filter((d) => d.code === 'IST0109')).toHaveLength(500)
  })
})
