import { describe, expect, test } from 'vitest'
import { parseConfig } from './parse-config.ts'
import { ConfigStore } from '../config-store.ts'
import type { EnvoyExtAuthzHttpProvider, MeshConfigMap } from '../types.ts'

/** The ConfigMap of Istio's External Authorization task, `data.mesh` indented under it. */
const configMap = (mesh: string, meta = '{name: istio, namespace: istio-system}') => `apiVersion: v1
kind: ConfigMap
metadata: ${meta}
data:
  mesh: |-
${mesh.replace(/^/gm, '    ')}
`

const TASK = `extensionProviders:
- name: "sample-ext-authz-grpc"
  envoyExtAuthzGrpc:
    service: "ext-authz.foo.svc.cluster.local"
    port: "9000"
- name: "sample-ext-authz-http"
  envoyExtAuthzHttp:
    service: "ext-authz.foo.svc.cluster.local"
    port: "8000"
    includeRequestHeadersInCheck: ["x-ext-authz"]`

const parse = (yaml: string) => parseConfig(yaml, 'istio.yaml')
const findings = (yaml: string, level: 'Error' | 'Warning' = 'Error') =>
  parse(yaml).diagnostics.filter((d) => d.level === level).map((d) => ({ code: d.code, field: d.field }))
const meshOf = (yaml: string) => {
  const { resources, diagnostics } = parse(yaml)
  expect(diagnostics.filter((d) => d.level === 'Error')).toEqual([])
  return (resources[0] as MeshConfigMap).spec
}
const httpProvider = (yaml: string, name = 'p'): EnvoyExtAuthzHttpProvider => {
  const p = meshOf(yaml).extensionProviders.find((e) => e.name === name)
  if (p?.type !== 'envoyExtAuthzHttp') throw new Error(`no http provider ${name}`)
  return p.http
}
const http = (fields: string) => configMap(`extensionProviders:\n- name: p\n  envoyExtAuthzHttp: {service: ext-authz.default.svc.cluster.local, port: 8000${fields ? `, ${fields}` : ''}}`)

describe('the istio ConfigMap (mesh config)', () => {
  test("Istio's task ConfigMap: both providers, Istio's built-in ones kept, the gRPC one warned about", () => {
    const mesh = meshOf(configMap(TASK))
    expect(mesh.extensionProviders.map((p) => `${p.name}:${p.type}`)).toEqual([
      'prometheus:other', 'stackdriver:other', 'envoy:other', 'sample-ext-authz-grpc:envoyExtAuthzGrpc', 'sample-ext-authz-http:envoyExtAuthzHttp',
    ])
    expect(findings(configMap(TASK), 'Warning')).toEqual([{ code: 'MD0104', field: 'data.mesh.extensionProviders[0].envoyExtAuthzGrpc' }])
    const p = httpProvider(configMap(TASK), 'sample-ext-authz-http')
    expect(p).toMatchObject({ service: 'ext-authz.foo.svc.cluster.local', port: 8000, timeoutMs: 600_000, pathPrefix: '', failOpen: false, statusOnError: 403 })
    expect(p.includeRequestHeadersInCheck.matches('x-ext-authz')).toBe(true)
    expect(p.includeRequestHeadersInCheck.matches('x-other')).toBe(false)
  })

  test('every ext_authz HTTP field, in camelCase or snake_case as protobuf JSON allows', () => {
    const p = httpProvider(http('timeout: 0.5s, path_prefix: /check, failOpen: true, statusOnError: "503", headersToUpstreamOnAllow: ["x-auth-*"], headersToDownstreamOnDeny: ["*-cookie"], headers_to_downstream_on_allow: [set-cookie], includeAdditionalHeadersInCheck: {X-Static: v}'))
    expect(p).toMatchObject({ timeoutMs: 500, pathPrefix: '/check', failOpen: true, statusOnError: 503, includeAdditionalHeadersInCheck: [['x-static', 'v']] })
    expect(p.headersToUpstreamOnAllow.matches('x-auth-user')).toBe(true)
    expect(p.headersToDownstreamOnDeny.matches('set-cookie')).toBe(true)
    expect(p.headersToDownstreamOnAllow.matches('set-cookie')).toBe(true)
    expect(p.headersToDownstreamOnAllow.matches('set-cookies')).toBe(false)
  })

  test.each([
    ['no name', 'extensionProviders:\n- envoyExtAuthzHttp: {service: a.b.svc.cluster.local, port: 80}', 'MD0108', 'data.mesh.extensionProviders[0].name'],
    ['no provider type', 'extensionProviders:\n- name: p', 'MD0108', 'data.mesh.extensionProviders[0]'],
    ['two provider types', 'extensionProviders:\n- name: p\n  envoyExtAuthzHttp: {service: a.b, port: 80}\n  envoyExtAuthzGrpc: {service: a.b, port: 80}', 'MD0107', 'data.mesh.extensionProviders[0].envoyExtAuthzGrpc'],
    ['no service', 'extensionProviders:\n- name: p\n  envoyExtAuthzHttp: {port: 80}', 'MD0108', 'data.mesh.extensionProviders[0].envoyExtAuthzHttp.service'],
    ['a bad service', 'extensionProviders:\n- name: p\n  envoyExtAuthzHttp: {service: "bad_name!", port: 80}', 'MD0110', 'data.mesh.extensionProviders[0].envoyExtAuthzHttp.service'],
    ['a short name after a namespace', 'extensionProviders:\n- name: p\n  envoyExtAuthzHttp: {service: default/ext-authz, port: 80}', 'MD0110', 'data.mesh.extensionProviders[0].envoyExtAuthzHttp.service'],
    ['no port', 'extensionProviders:\n- name: p\n  envoyExtAuthzHttp: {service: a.b}', 'MD0111', 'data.mesh.extensionProviders[0].envoyExtAuthzHttp.port'],
    ['port 70000', 'extensionProviders:\n- name: p\n  envoyExtAuthzGrpc: {service: a.b, port: "70000"}', 'MD0111', 'data.mesh.extensionProviders[0].envoyExtAuthzGrpc.port'],
    ['statusOnError as a number', 'extensionProviders:\n- name: p\n  envoyExtAuthzHttp: {service: a.b, port: 80, statusOnError: 503}', 'MD0102', 'data.mesh.extensionProviders[0].envoyExtAuthzHttp.statusOnError'],
    ['statusOnError Envoy does not know', 'extensionProviders:\n- name: p\n  envoyExtAuthzHttp: {service: a.b, port: 80, statusOnError: "499"}', 'MD0115', 'data.mesh.extensionProviders[0].envoyExtAuthzHttp.statusOnError'],
    ['a pathPrefix without /', 'extensionProviders:\n- name: p\n  envoyExtAuthzHttp: {service: a.b, port: 80, pathPrefix: check}', 'MD0106', 'data.mesh.extensionProviders[0].envoyExtAuthzHttp.pathPrefix'],
    ['a bad escape in pathPrefix', 'extensionProviders:\n- name: p\n  envoyExtAuthzHttp: {service: a.b, port: 80, pathPrefix: "/%zz"}', 'MD0106', 'data.mesh.extensionProviders[0].envoyExtAuthzHttp.pathPrefix'],
    ['a timeout that is not a duration', 'extensionProviders:\n- name: p\n  envoyExtAuthzHttp: {service: a.b, port: 80, timeout: 10}', 'MD0112', 'data.mesh.extensionProviders[0].envoyExtAuthzHttp.timeout'],
    ['a bad additional header name', 'extensionProviders:\n- name: p\n  envoyExtAuthzHttp: {service: a.b, port: 80, includeAdditionalHeadersInCheck: {"a b": c}}', 'MD0120', 'data.mesh.extensionProviders[0].envoyExtAuthzHttp.includeAdditionalHeadersInCheck["a b"]'],
    ['a field set twice', 'extensionProviders:\n- name: p\n  envoyExtAuthzHttp: {service: a.b, port: 80, pathPrefix: /a, path_prefix: /b}', 'MD0118', 'data.mesh.extensionProviders[0].envoyExtAuthzHttp.path_prefix'],
    ['a zipkin provider without a port', 'extensionProviders:\n- name: z\n  zipkin: {service: zipkin.istio-system.svc.cluster.local}', 'MD0111', 'data.mesh.extensionProviders[0].zipkin.port'],
    ['extensionProviders not a list', 'extensionProviders: {name: p}', 'MD0102', 'data.mesh.extensionProviders'],
    ['YAML that is not YAML', 'extensionProviders: [', 'MD0001', 'data.mesh'],
  ])('%s → %s at %s', (_what, mesh, code, field) => {
    expect(findings(configMap(mesh))).toContainEqual({ code, field })
  })

  test('what istiod accepts but its sidecars refuse is a warning, and the provider carries the problem', () => {
    const lone = http('includeRequestHeadersInCheck: ["*"]')
    expect(findings(lone, 'Warning')).toEqual([{ code: 'MD0106', field: 'data.mesh.extensionProviders[0].name' }])
    const provider = meshOf(lone).extensionProviders.find((p) => p.name === 'p')!
    expect(provider).toMatchObject({ problem: expect.stringContaining('a single wildcard ("*") is not supported') })
    const upper = configMap('extensionProviders:\n- name: My-Authz\n  envoyExtAuthzHttp: {service: a.b, port: 80}')
    expect(meshOf(upper).extensionProviders.at(-1)).toMatchObject({ name: 'My-Authz', problem: expect.stringContaining('only lowercase letters') })
  })

  test('other mesh config fields are accepted and warned about; unknown ones too (istiod ignores them); defaults stay quiet', () => {
    const yaml = configMap('enableAutoMtls: true\nrootNamespace: istio-system\nenableTracing: true\nextensionProvider: []\ndefaultConfig: {discoveryAddress: istiod.istio-system.svc:15012}')
    expect(findings(yaml, 'Warning')).toEqual([
      { code: 'MD0103', field: 'data.mesh.extensionProvider' },
      { code: 'MD0104', field: 'data.mesh.enableTracing' },
      { code: 'MD0104', field: 'data.mesh.defaultConfig' },
    ])
    expect(parse(yaml).diagnostics[0]!.message).toContain('did you mean "extensionProviders"?')
    expect(findings(configMap('enableAutoMtls: false'), 'Warning')).toEqual([{ code: 'MD0104', field: 'data.mesh.enableAutoMtls' }])
  })

  test('a provider named twice: the last one wins, as istiod merges them; a built-in name is replaced', () => {
    const yaml = configMap('extensionProviders:\n- name: envoy\n  envoyExtAuthzHttp: {service: a.b, port: 80}\n- name: x\n  envoyExtAuthzHttp: {service: a.b, port: 81}\n- name: x\n  envoyExtAuthzHttp: {service: a.b, port: 82}')
    expect(meshOf(yaml).extensionProviders.map((p) => p.name)).toEqual(['prometheus', 'stackdriver', 'envoy', 'x'])
    expect(httpProvider(yaml, 'x').port).toBe(82)
    expect(httpProvider(yaml, 'envoy').port).toBe(80)
    expect(findings(yaml, 'Warning')).toEqual([{ code: 'MD0118', field: 'data.mesh.extensionProviders[2].name' }])
  })

  test('only istio/istio-system; other ConfigMaps and other data keys are not simulated', () => {
    expect(findings(configMap(TASK, '{name: my-config}'))).toEqual([{ code: 'MD0003', field: 'metadata.name' }])
    expect(findings(configMap(TASK, '{name: istio, namespace: default}'))).toEqual([{ code: 'MD0003', field: 'metadata.name' }])
    expect(findings(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: istio, namespace: istio-system}\ndata: {meshNetworks: "networks: {}"}\n`, 'Warning')).toEqual([
      { code: 'MD0104', field: 'data.meshNetworks' },
      { code: 'MD0108', field: 'data.mesh' },
    ])
    expect(findings(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: istio, namespace: istio-system}\ndata: {mesh: 1}\n`)).toEqual([{ code: 'MD0102', field: 'data.mesh' }])
    expect(findings(`apiVersion: v1/v1\nkind: ConfigMap\nmetadata: {name: istio, namespace: istio-system}\ndata: {}\n`)).toEqual([{ code: 'MD0004', field: 'apiVersion' }])
    expect(parse(`apiVersion: core/v1\nkind: ConfigMap\nmetadata: {name: istio}\ndata: {}\n`).diagnostics[0]!.message).toContain('ConfigMap needs one of v1')
  })

  test('the store keeps it as the snapshot\'s mesh config; a changed data.mesh is a change, deleting it restores the defaults', () => {
    const store = new ConfigStore()
    expect(store.snapshot().meshConfig).toBeUndefined()
    expect(store.applyText(configMap(TASK), 'istio.yaml').changes).toEqual([{ kind: 'ConfigMap', name: 'istio', namespace: 'istio-system', action: 'created' }])
    expect(store.snapshot().meshConfig!.extensionProviders).toHaveLength(5)
    const fewer = configMap('extensionProviders:\n- name: only\n  envoyExtAuthzHttp: {service: a.b, port: 80}')
    expect(store.applyText(fewer, 'istio.yaml').changes[0]!.action).toBe('configured')
    expect(store.snapshot().meshConfig!.extensionProviders.map((p) => p.name)).toEqual(['prometheus', 'stackdriver', 'envoy', 'only'])
    expect(store.delete('cm', 'istio', 'istio-system')).toBe(true)
    expect(store.snapshot().meshConfig).toBeUndefined()
  })
})
