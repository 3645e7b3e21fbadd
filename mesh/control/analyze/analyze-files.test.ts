import { describe, expect, test } from 'vitest'
import { analyzeFiles } from './analyze-files.ts'
import { clusterOfWorkloads, EMPTY_CLUSTER } from './cluster.ts'

const CLUSTER = clusterOfWorkloads([{ app: 'reviews', version: 'v1', servicePort: 9080 }])
const lines = (text: string, codes: readonly string[]) =>
  analyzeFiles([{ text, file: 'a.yaml' }], { cluster: CLUSTER }).filter((d) => codes.includes(d.code)).map((d) => `${d.level} ${d.code} ${d.kind}/${d.name}${d.field ? ` ${d.field}` : ''}`)

describe('analyzeFiles: documents that fail validation are still analyzed, as istioctl does', () => {
  test('a Gateway without servers is found (no IST0101 for it), serves no host (IST0132), and its own error stays', () => {
    const text = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: front}
spec: {selector: {istio: ingressgateway}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: site}
spec: {hosts: ["*"], gateways: [front]}
`
    expect(lines(text, ['MD0108', 'IST0101', 'IST0132'])).toEqual([
      'Error MD0108 Gateway/front spec.servers',
      'Error MD0108 VirtualService/site spec.http',
      'Warning IST0132 VirtualService/site spec.gateways[0]',
    ])
  })

  test('Gateways whose port names repeat (a validation Error) still conflict with each other (IST0145)', () => {
    const gw = (name: string, port: number) => `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: ${name}}
spec:
  selector: {istio: ingressgateway}
  servers:
  - {port: {number: ${port}, name: web, protocol: HTTP}, hosts: [foo.bar]}
  - {port: {number: 90, name: web, protocol: HTTP}, hosts: [foo.bar]}
`
    expect(lines(`${gw('alpha', 70)}---\n${gw('beta', 80)}`, ['IST0145'])).toEqual(['Error IST0145 Gateway/alpha spec.servers[1]', 'Error IST0145 Gateway/beta spec.servers[1]'])
  })

  test('an invalid VirtualService (a delegate that names gateways) still has its subsets checked', () => {
    const text = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews}
spec: {host: reviews, subsets: [{name: v1, labels: {version: v1}}]}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: delegate}
spec: {gateways: [mesh], http: [{route: [{destination: {host: reviews, subset: v1}}], mirror: {host: reviews, subset: bogus}}]}
`
    expect(lines(text, ['MD0107', 'IST0101'])).toEqual(['Error MD0107 VirtualService/delegate spec.gateways', 'Warning IST0101 VirtualService/delegate spec.http[0].mirror.subset'])
  })

  test('Kubernetes objects are read, not reported; documents stay in file order across files', () => {
    const service = 'apiVersion: v1\nkind: Service\nmetadata: {name: fake-svc}\nspec: {selector: {app: fake}, ports: [{port: 80}]}\n'
    const rule = (name: string, host: string) => `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: ${name}}\nspec: {host: ${host}}\n`
    const out = analyzeFiles([{ text: `${rule('b', 'fake-svc')}---\n${service}`, file: 'one.yaml' }, { text: rule('a', 'fake-svc.default.svc.cluster.local'), file: 'two.yaml' }], { cluster: EMPTY_CLUSTER })
    expect(out.map((d) => `${d.code} ${d.name}`)).toEqual(['MD0201 a'])
  })
})
