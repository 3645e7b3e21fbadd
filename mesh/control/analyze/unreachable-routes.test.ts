import { describe, expect, test } from 'vitest'
import { analyzeFiles } from './analyze-files.ts'

const findings = (spec: string) => analyzeFiles([{ text: `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: echo}\nspec:\n  hosts: ["*"]\n  gateways: [echo-gateway]\n${spec}`, file: 'vs.yaml' }])
  .filter((d) => d.code === 'IST0130' || d.code === 'IST0131').map((d) => `${d.level} ${d.code} ${d.field}`)

describe('unreachable tcp and tls routes (IST0130, IST0131)', () => {
  test('a repeated tcp match and a repeated tls match', () => {
    expect(findings(`  tcp:
  - {match: [{port: 31400}], route: [{destination: {host: tcp-echo, subset: v1}}]}
  - {match: [{port: 31400}], route: [{destination: {host: tcp-echo, subset: v2}}]}
  tls:
  - {match: [{port: 2443, sniHosts: [a.com]}], route: [{destination: {host: a.com}}]}
  - {match: [{port: 2443, sniHosts: [a.com]}, {port: 8443, sniHosts: [a.com]}], route: [{destination: {host: b.com}}]}
`)).toEqual(['Info IST0131 spec.tcp[1].match[0]', 'Warning IST0130 spec.tcp[1]', 'Info IST0131 spec.tls[1].match[0]'])
  })

  test('distinct matches, and one catch-all last, are fine', () => {
    expect(findings(`  tcp:
  - {match: [{port: 31400}], route: [{destination: {host: tcp-echo, subset: v1}}]}
  - {route: [{destination: {host: tcp-echo, subset: v2}}]}
`)).toEqual([])
  })
})
