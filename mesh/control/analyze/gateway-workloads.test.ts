import { describe, expect, test } from 'vitest'
import { analyzeFiles } from './analyze-files.ts'
import { clusterOfWorkloads, ISTIOCTL_FILE_DEFAULTS, type Cluster } from './cluster.ts'

const BOOKINFO = clusterOfWorkloads([{ app: 'productpage', version: 'v1', servicePort: 9080 }])
const findings = (text: string, cluster: Cluster = BOOKINFO) =>
  analyzeFiles([{ text, file: 'gw.yaml' }], { cluster }).filter((d) => d.code === 'IST0162' || (d.code === 'IST0101' && d.kind === 'Gateway')).map((d) => `${d.level} ${d.code} ${d.name} ${d.field}: ${d.message}`)
const gateway = (selector: string, ports: readonly number[]) => `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw}
spec:
  selector: ${selector}
  servers:
${ports.map((p, i) => `  - {port: {number: ${p}, name: p${i}, protocol: HTTP}, hosts: ["*"]}`).join('\n')}
`

describe('a Gateway and the workloads it selects', () => {
  test('a selector that matches no Pod is IST0101, an Error (checked even when the Gateway fails validation)', () => {
    expect(findings(gateway('{istio: ingress}', [80]))).toEqual(['Error IST0101 gw spec.selector: Referenced selector not found: "istio=ingress"'])
    expect(findings('apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: gw}\nspec: {selector: {istio: ingresstypo}}\n')).toEqual([
      'Error IST0101 gw spec.selector: Referenced selector not found: "istio=ingresstypo"',
    ])
  })

  test('server ports are checked against the target ports of the Services selecting those Pods (IST0162)', () => {
    // Istio's ingress Service sends 80 to 8080 and 443 to 8443: 80 and 8080 are both served, 8004 is not.
    expect(findings(gateway('{istio: ingressgateway}', [80, 8080, 443, 8004]))).toEqual([
      'Warning IST0162 gw spec.servers[3].port.number: The gateway is listening on a target port (port 8004) that is not defined in the Service associated with its workload instances (Pod selector istio=ingressgateway). If you need to access the gateway port through the gateway Service, it will not be available.',
    ])
    // istioctl --use-kube=false's stand-in Service has no 8080
    expect(findings(gateway('{istio: ingressgateway}', [80, 8080]), ISTIOCTL_FILE_DEFAULTS)).toHaveLength(1)
  })

  test('a custom gateway from the files: its Pod, and a Service in the same namespace', () => {
    const workload = `apiVersion: v1
kind: Pod
metadata: {name: private-gw, namespace: edge, labels: {app: private}}
---
apiVersion: v1
kind: Service
metadata: {name: private-gw, namespace: edge}
spec: {selector: {app: private}, ports: [{port: 8443}, {port: 53, protocol: UDP}]}
---
apiVersion: v1
kind: Service
metadata: {name: elsewhere, namespace: other}
spec: {selector: {app: private}, ports: [{port: 9000}]}
---
`
    expect(findings(workload + gateway('{app: private}', [8443]))).toEqual([])
    expect(findings(workload + gateway('{app: private}', [53, 9000])).map((l) => /port (\d+)\)/.exec(l)?.[1])).toEqual(['53', '9000'])
  })
})
