import { describe, expect, test } from 'vitest'
import { analyzeFiles } from './analyze-files.ts'
import { clusterOfWorkloads } from './cluster.ts'

const CLUSTER = clusterOfWorkloads([{ app: 'productpage', version: 'v1', servicePort: 9080 }])
const findings = (gateways: string, header = '"@request.auth.claims.groups"') =>
  analyzeFiles([{
    text: `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: front}
spec: {selector: {istio: ingressgateway}, servers: [{port: {number: 8080, name: http, protocol: HTTP}, hosts: ["*"]}]}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: claims}
spec:
  hosts: ["*"]
  gateways: ${gateways}
  http:
  - match: [{uri: {prefix: /}, headers: {${header}: {exact: admins}}}]
    route: [{destination: {host: productpage}}]
`, file: 'vs.yaml' }], { cluster: CLUSTER }).filter((d) => d.code === 'IST0149').map((d) => `${d.level} ${d.field}: ${d.message}`)

describe('JWT claim routes need a RequestAuthentication on the gateway (IST0149)', () => {
  test('meshdojo has none, so a claim route on an existing Gateway is reported, once per gateway Pod', () => {
    expect(findings('[front]')).toEqual([
      'Error spec.http[0].match[0].headers["@request.auth.claims.groups"]: The virtual service uses the JWT claim based routing (key: @request.auth.claims.groups) but found no request authentication for the gateway (default/front) pod (istio-ingressgateway). The request authentication must first be applied for the gateway pods to validate the JWT token and make the claims available for routing.',
    ])
  })

  test('not for ordinary headers, nor for a Gateway that does not exist (IST0101 says so)', () => {
    expect(findings('[front]', 'end-user')).toEqual([])
    expect(findings('[nowhere]')).toEqual([])
  })
})
