import { describe, expect, test } from 'vitest'
import { analyzeFiles } from './analyze-files.ts'
import { clusterOfWorkloads } from './cluster.ts'

const CLUSTER = clusterOfWorkloads([{ app: 'reviews', version: 'v1', servicePort: 9080 }])
const policy = (kind: string, namespace: string, selector: string) => {
  const api = kind === 'LocalRateLimit' ? 'meshdojo.dev/v1alpha1' : 'security.istio.io/v1'
  const body = kind === 'AuthorizationPolicy' ? '  action: DENY\n  rules: [{}]\n' : kind === 'PeerAuthentication' ? '  mtls: {mode: STRICT}\n' : '  tokenBucket: {maxTokens: 10, tokensPerFill: 10, fillInterval: 1s}\n'
  return `apiVersion: ${api}\nkind: ${kind}\nmetadata: {name: p, namespace: ${namespace}}\nspec:\n${selector}${body}`
}
const findings = (text: string) => analyzeFiles([{ text, file: 'p.yaml' }], { cluster: CLUSTER }).filter((d) => d.code === 'IST0127').map((d) => `${d.kind} ${d.namespace} ${d.field ?? '-'}: ${d.message}`)

describe('policies that select no workload (IST0127)', () => {
  test('a selector no Pod of the namespace matches, for each kind with a workload selector', () => {
    for (const kind of ['AuthorizationPolicy', 'PeerAuthentication', 'LocalRateLimit']) {
      expect(findings(policy(kind, 'default', '  selector: {matchLabels: {app: nope}}\n'))).toEqual([
        `${kind} default spec.selector.matchLabels: No matching workloads for this resource with the following labels: app=nope`,
      ])
      expect(findings(policy(kind, 'default', '  selector: {matchLabels: {app: reviews}}\n'))).toEqual([])
    }
  })

  test('without a selector it needs a Pod in its namespace; in the root namespace istio-system a selector matches anywhere', () => {
    expect(findings(policy('AuthorizationPolicy', 'empty', ''))).toEqual(['AuthorizationPolicy empty -: No matching workloads for this resource with the following labels: '])
    expect(findings(policy('AuthorizationPolicy', 'default', ''))).toEqual([])
    expect(findings(policy('PeerAuthentication', 'istio-system', ''))).toEqual([])
    expect(findings(policy('AuthorizationPolicy', 'istio-system', '  selector: {matchLabels: {app: reviews}}\n'))).toEqual([])
  })
})
