import { describe, expect, test } from 'vitest'
import { parseConfig } from '../parse/parse-config.ts'
import { KubernetesObjects } from './k8s-objects.ts'

function read(text: string) {
  const objects = new KubernetesObjects()
  const { diagnostics } = parseConfig(text, 'k8s.yaml', { otherKind: objects.offer })
  return { cluster: objects.cluster(), diagnostics: diagnostics.map((d) => `${d.level} ${d.code} ${d.kind}`) }
}

describe('Kubernetes objects for analysis', () => {
  test('Services (selector, ports, numeric target ports, TCP by default), Pods, controllers and Namespaces', () => {
    const { cluster, diagnostics } = read(`apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}, {port: 53, protocol: UDP}, {port: 81, targetPort: http}, {port: 82, targetPort: "9082"}, {port: x}]
---
apiVersion: v1
kind: Service
metadata: {name: headless}
spec: {ports: [{port: 80}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web-abc, namespace: shop, labels: {app: web, version: v1, odd: 7}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web-v2, namespace: shop}
spec: {template: {metadata: {labels: {app: web, version: v2}}}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: idle, namespace: shop}
spec: {replicas: 0, template: {metadata: {labels: {app: idle}}}}
---
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio-injection: enabled}}
`)
    expect(diagnostics).toEqual([])
    expect(cluster).toEqual({
      services: [
        { name: 'web', namespace: 'shop', selector: { app: 'web' }, ports: [
          { name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }, { port: 81, protocol: 'TCP' }, { port: 82, targetPort: 9082, protocol: 'TCP' },
        ] },
        { name: 'headless', namespace: 'default', ports: [{ port: 80, protocol: 'TCP' }] },
      ],
      pods: [{ name: 'web-abc', namespace: 'shop', labels: { app: 'web', version: 'v1' } }, { name: 'web-v2', namespace: 'shop', labels: { app: 'web', version: 'v2' } }],
      namespaces: [{ name: 'shop', labels: { 'istio-injection': 'enabled' } }],
    })
  })

  test('other built-in kinds get an Info; kinds outside Kubernetes stay MD0003 Errors', () => {
    expect(read('apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa}\n---\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r}\n').diagnostics).toEqual([
      'Info MD0003 ServiceAccount',
      'Error MD0003 HTTPRoute',
    ])
  })
})
