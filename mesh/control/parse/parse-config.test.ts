import { describe, expect, test } from 'vitest'
import { parseConfig } from './parse-config.ts'

const gateway = (name: string, spec: string) => `apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: ${name}, namespace: shop}\nspec: ${spec}\n`

describe('parseConfig: documents that fail validation', () => {
  test('are handed out as written, for analysis, when their name can be read; never as resources', () => {
    const { resources, invalid, diagnostics } = parseConfig([
      gateway('no-servers', '{selector: {istio: ingressgateway}}'),
      gateway('ok', '{selector: {istio: ingressgateway}, servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]}'),
      gateway('Bad_Name', '{selector: {istio: ingressgateway}}'),
    ].join('---\n'), 'gw.yaml')
    expect(resources.map((r) => r.meta.name)).toEqual(['ok'])
    expect(invalid).toEqual([{
      kind: 'Gateway',
      meta: { name: 'no-servers', namespace: 'shop', apiVersion: 'networking.istio.io/v1', source: { file: 'gw.yaml', document: 1 } },
      raw: { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'no-servers', namespace: 'shop' }, spec: { selector: { istio: 'ingressgateway' } } },
    }])
    expect(Object.isFrozen(invalid[0]!.raw)).toBe(true)
    expect(diagnostics.filter((d) => d.level === 'Error').map((d) => `${d.code} ${d.name}`)).toEqual(['MD0108 no-servers', 'MD0005 Bad_Name', 'MD0108 Bad_Name'])
  })

  test('a kind meshdojo does not simulate is an Error unless the caller takes it (read: silent; ignored: an Info)', () => {
    const text = 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa}\n---\napiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: se}\n'
    const levels = (r: ReturnType<typeof parseConfig>) => r.diagnostics.map((d) => `${d.level} ${d.code} ${d.kind}`)
    expect(levels(parseConfig(text, 'f.yaml'))).toEqual(['Error MD0003 Service', 'Error MD0003 ServiceAccount', 'Error MD0003 ServiceEntry'])
    const offered: unknown[] = []
    const taken = parseConfig(text, 'f.yaml', {
      otherKind: (value) => (offered.push(value.kind), value.kind === 'Service' ? 'read' : value.kind === 'ServiceAccount' ? 'ignored' : undefined),
    })
    expect(offered).toEqual(['Service', 'ServiceAccount', 'ServiceEntry'])
    expect(levels(taken)).toEqual(['Info MD0003 ServiceAccount', 'Error MD0003 ServiceEntry'])
    expect(taken.invalid).toEqual([])
  })

  test('a ConfigMap other than Istio\'s mesh config is offered to the caller like any Kubernetes object', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app-settings}\ndata: {a: b}\n'
    expect(parseConfig(text, 'f.yaml').diagnostics.map((d) => `${d.level} ${d.code}`)).toEqual(['Error MD0003'])
    const ignored = parseConfig(text, 'f.yaml', { otherKind: () => 'ignored' })
    expect(ignored.diagnostics.map((d) => `${d.level} ${d.code}`)).toEqual(['Info MD0003'])
    expect(ignored.resources).toEqual([])
  })
})
