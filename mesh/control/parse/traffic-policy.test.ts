import { describe, expect, test } from 'vitest'
import { isPrime } from './consistent-hash.ts'
import { parseConfig } from './parse-config.ts'

/** DestinationRule `reviews` with this trafficPolicy (flow YAML), and optional extra spec fields. */
const dr = (policy: string, extra = '', namespace = 'default') => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: ${namespace}}
spec: {host: reviews, trafficPolicy: ${policy}${extra}}
`

const findings = (yaml: string, level = 'Error') =>
  parseConfig(yaml, 'dr.yaml')
    .diagnostics.filter((d) => d.level === level)
    .map((d) => ({ code: d.code, field: d.field }))

describe('DestinationRule settings meshdojo does not simulate are still validated as Istio does', () => {
  test.each([
    // connectionPool
    ['{connectionPool: {tcp: {maxConnectionDuration: 0.000000500s}}}', 'MD0112', 'spec.trafficPolicy.connectionPool.tcp.maxConnectionDuration'],
    ['{connectionPool: {tcp: {idleTimeout: 1.5ms}}}', 'MD0112', 'spec.trafficPolicy.connectionPool.tcp.idleTimeout'],
    ['{connectionPool: {tcp: {tcpKeepalive: {time: 1us}}}}', 'MD0112', 'spec.trafficPolicy.connectionPool.tcp.tcpKeepalive.time'],
    ['{connectionPool: {http: {h2UpgradePolicy: UPGRADE, useClientProtocol: true}}}', 'MD0107', 'spec.trafficPolicy.connectionPool.http.useClientProtocol'],
    ['{connectionPool: {http: {h2UpgradePolicy: SOMETIMES}}}', 'MD0106', 'spec.trafficPolicy.connectionPool.http.h2UpgradePolicy'],
    ['{connectionPool: {http: {maxConcurrentStreams: -1}}}', 'MD0101', 'spec.trafficPolicy.connectionPool.http.maxConcurrentStreams'],
    ['{connectionPool: {http: {http2KeepAlive: {timeout: 5s}}}}', 'MD0108', 'spec.trafficPolicy.connectionPool.http.http2KeepAlive.interval'],
    ['{connectionPool: {http: {http2KeepAlive: {interval: 5s}}}}', 'MD0108', 'spec.trafficPolicy.connectionPool.http.http2KeepAlive.timeout'],
    ['{connectionPool: {http: {http2KeepAlive: {interval: 15.000000005s, timeout: 5s}}}}', 'MD0112', 'spec.trafficPolicy.connectionPool.http.http2KeepAlive.interval'],
    // loadBalancer
    ['{loadBalancer: {consistentHash: {maglev: {tableSize: 1000}}}}', 'MD0101', 'spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize'],
    ['{loadBalancer: {consistentHash: {maglev: {}}}}', 'MD0108', 'spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize'],
    ['{loadBalancer: {consistentHash: {maglev: {tableSize: 5000011}}}}', 'MD0101', 'spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize'],
    ['{loadBalancer: {consistentHash: {minimumRingSize: 1024, ringHash: {minimumRingSize: 1024}}}}', 'MD0107', 'spec.trafficPolicy.loadBalancer.consistentHash.minimumRingSize'],
    ['{loadBalancer: {consistentHash: {ringHash: {}, maglev: {tableSize: 65537}}}}', 'MD0107', 'spec.trafficPolicy.loadBalancer.consistentHash'],
    ['{loadBalancer: {localityLbSetting: {}, zoneAwareLbSetting: {}}}', 'MD0107', 'spec.trafficPolicy.loadBalancer'],
    ['{loadBalancer: {localityLbSetting: {distribute: [{from: a/b/*, to: {"a/b/*": 100}}], failover: [{from: a, to: b}]}}}', 'MD0107', 'spec.trafficPolicy.loadBalancer.localityLbSetting'],
    ['{loadBalancer: {localityLbSetting: {distribute: [{from: a/*, to: {"a/*": 60, "b/*": 30}}]}}}', 'MD0117', 'spec.trafficPolicy.loadBalancer.localityLbSetting.distribute[0].to'],
    ['{loadBalancer: {localityLbSetting: {distribute: [{from: "a/*/c", to: {"a/*": 100}}]}}}', 'MD0106', 'spec.trafficPolicy.loadBalancer.localityLbSetting.distribute[0].from'],
    ['{loadBalancer: {localityLbSetting: {distribute: [{from: a, to: {b: 100}}, {from: a/z, to: {b: 100}}]}}}', 'MD0118', 'spec.trafficPolicy.loadBalancer.localityLbSetting.distribute[1].from'],
    ['{loadBalancer: {localityLbSetting: {failover: [{from: us-east, to: us-east}]}}, outlierDetection: {}}', 'MD0106', 'spec.trafficPolicy.loadBalancer.localityLbSetting.failover[0]'],
    ['{loadBalancer: {localityLbSetting: {failover: [{from: a, to: b}], failoverPriority: [topology.kubernetes.io/zone]}}}', 'MD0107', 'spec.trafficPolicy.loadBalancer.localityLbSetting.failoverPriority[0]'],
    ['{loadBalancer: {zoneAwareLbSetting: {failoverPriority: [topology.istio.io/subzone]}}}', 'MD0106', 'spec.trafficPolicy.loadBalancer.zoneAwareLbSetting.failoverPriority[0]'],
    ['{loadBalancer: {warmup: {duration: 300s, minimumPercent: 150.0}}}', 'MD0113', 'spec.trafficPolicy.loadBalancer.warmup.minimumPercent'],
    ['{loadBalancer: {warmup: {minimumPercent: 5.0}}}', 'MD0108', 'spec.trafficPolicy.loadBalancer.warmup.duration'],
    ['{loadBalancer: {warmup: {duration: 300s, aggression: -0.1}}}', 'MD0101', 'spec.trafficPolicy.loadBalancer.warmup.aggression'],
    // outlierDetection
    ['{outlierDetection: {consecutiveLocalOriginFailures: 10}}', 'MD0107', 'spec.trafficPolicy.outlierDetection.consecutiveLocalOriginFailures'],
    ['{outlierDetection: {outlierDetectionHttpErrorCodes: [503, 600]}}', 'MD0101', 'spec.trafficPolicy.outlierDetection.outlierDetectionHttpErrorCodes[1]'],
    // tls
    ['{tls: {mode: SIMPLE, credentialName: test, insecureSkipVerify: true}}', 'MD0107', 'spec.trafficPolicy.tls.insecureSkipVerify'],
    ['{tls: {mode: SIMPLE, subjectAltNames: [reviews.default.svc], insecureSkipVerify: true}}', 'MD0107', 'spec.trafficPolicy.tls.insecureSkipVerify'],
    ['{tls: {mode: MUTUAL, caCertificates: ca, privateKey: key, clientCertificate: cert, insecureSkipVerify: true}}', 'MD0107', 'spec.trafficPolicy.tls.insecureSkipVerify'],
    ['{tls: {mode: SIMPLE, credentialName: creds, caCertificates: ca}}', 'MD0107', 'spec.trafficPolicy.tls.credentialName'],
    ['{tls: {mode: SIMPLE, credentialName: "configmap://other/ca"}}', 'MD0106', 'spec.trafficPolicy.tls.credentialName'],
    ['{tls: {mode: SIMPLE, credentialName: "configmap://ca"}}', 'MD0106', 'spec.trafficPolicy.tls.credentialName'],
    // tunnel, proxyProtocol, retryBudget
    ['{tunnel: {targetHost: example.com, targetPort: 443}, proxyProtocol: {version: V1}}', 'MD0107', 'spec.trafficPolicy'],
    ['{tunnel: {protocol: GET, targetHost: example.com, targetPort: 443}}', 'MD0106', 'spec.trafficPolicy.tunnel.protocol'],
    ['{tunnel: {targetHost: "bad host", targetPort: 443}}', 'MD0110', 'spec.trafficPolicy.tunnel.targetHost'],
    ['{tunnel: {targetHost: example.com, targetPort: 0}}', 'MD0111', 'spec.trafficPolicy.tunnel.targetPort'],
    ['{tunnel: {targetHost: example.com}}', 'MD0108', 'spec.trafficPolicy.tunnel.targetPort'],
    ['{proxyProtocol: {version: V3}}', 'MD0106', 'spec.trafficPolicy.proxyProtocol.version'],
    ['{retryBudget: {percent: 101}}', 'MD0113', 'spec.trafficPolicy.retryBudget.percent'],
  ])('%s → %s at %s', (policy, code, field) => {
    expect(findings(dr(policy))).toContainEqual({ code, field })
  })

  test.each([
    ['{connectionPool: {tcp: {idleTimeout: 0s, maxConnectionDuration: 1h, tcpKeepalive: {probes: 3, time: 7200s, interval: 75s}}}}'],
    ['{connectionPool: {tcp: {idleTimeout: 500us}}}'], // under 1 ms: Istio skips the check
    ['{connectionPool: {http: {h2UpgradePolicy: UPGRADE, maxConcurrentStreams: 100, http2KeepAlive: {interval: 15s, timeout: 5s}}}}'],
    ['{loadBalancer: {consistentHash: {minimumRingSize: 1024, httpCookie: {name: test, ttl: 3600s}}}}'],
    ['{loadBalancer: {consistentHash: {httpHeaderName: x-user, maglev: {tableSize: 65537}}}}'],
    ['{loadBalancer: {localityLbSetting: {distribute: [{from: us-west/zone1/*, to: {"us-west/zone1/*": 80, "us-west/zone2/*": 20}}]}}}'],
    ['{loadBalancer: {localityLbSetting: {failover: [{from: us-east, to: eu-west}], failoverPriority: [my-label]}}, outlierDetection: {consecutive5xxErrors: 3}}'],
    ['{loadBalancer: {warmup: {duration: 60s, minimumPercent: 10, aggression: 1.5}}}'],
    ['{outlierDetection: {splitExternalLocalOriginErrors: true, consecutiveLocalOriginFailures: 3}}'],
    ['{tls: {mode: MUTUAL, credentialName: creds, insecureSkipVerify: true}}'],
    ['{tls: {mode: SIMPLE, credentialName: "configmap://default/ca"}}'],
    ['{tunnel: {protocol: CONNECT, targetHost: 10.0.0.1, targetPort: 8080}}'],
  ])('valid: %s', (policy) => {
    expect(findings(dr(policy))).toEqual([])
  })

  test('minimumRingSize is deprecated but works (a warning, not an unknown field)', () => {
    const yaml = dr('{loadBalancer: {consistentHash: {minimumRingSize: 1024, httpCookie: {name: test, ttl: 3600s}}}}')
    expect(findings(yaml)).toEqual([])
    expect(findings(yaml, 'Warning')).toContainEqual({ code: 'MD0105', field: 'spec.trafficPolicy.loadBalancer.consistentHash.minimumRingSize' })
  })

  test('settings that are valid but not simulated still say so (MD0104)', () => {
    const warnings = findings(dr('{loadBalancer: {localityLbSetting: {enabled: true}}, connectionPool: {http: {http2KeepAlive: {interval: 15s, timeout: 5s}}}}'), 'Warning')
    expect(warnings).toContainEqual({ code: 'MD0104', field: 'spec.trafficPolicy.loadBalancer.localityLbSetting' })
    expect(warnings).toContainEqual({ code: 'MD0104', field: 'spec.trafficPolicy.connectionPool.http.http2KeepAlive' })
  })

  test('failover without outlier detection is a warning, as in Istio', () => {
    const warnings = findings(dr('{loadBalancer: {localityLbSetting: {failover: [{from: a, to: b}]}}}'), 'Warning')
    expect(warnings).toContainEqual({ code: 'MD0121', field: 'spec.trafficPolicy.loadBalancer.localityLbSetting' })
  })

  test('exportTo and workloadSelector are checked', () => {
    expect(findings(dr('{tls: {mode: ISTIO_MUTUAL}}', ', exportTo: [".", default]'))).toContainEqual({ code: 'MD0118', field: 'spec.exportTo[1]' })
    expect(findings(dr('{tls: {mode: ISTIO_MUTUAL}}', ', exportTo: ["~"]'))).toContainEqual({ code: 'MD0106', field: 'spec.exportTo[0]' })
    expect(findings(dr('{tls: {mode: ISTIO_MUTUAL}}', ', exportTo: ["*", foo]'))).toContainEqual({ code: 'MD0107', field: 'spec.exportTo' })
    expect(findings(dr('{tls: {mode: ISTIO_MUTUAL}}', ', workloadSelector: {matchLabels: {app: r}}, exportTo: [foo]'))).toContainEqual({ code: 'MD0106', field: 'spec.exportTo' })
    expect(findings(dr('{tls: {mode: ISTIO_MUTUAL}}', ', workloadSelector: {matchLabels: {"app*": r}}'))).toContainEqual({ code: 'MD0106', field: 'spec.workloadSelector.matchLabels["app*"]' })
    expect(findings(dr('{tls: {mode: ISTIO_MUTUAL}}', ', workloadSelector: {matchLabels: {app: r}}, exportTo: ["."]'))).toEqual([])
  })

  test('isPrime follows Envoy (maglev table sizes)', () => {
    expect([2, 3, 5, 65537, 131071].every(isPrime)).toBe(true)
    expect([4, 1000, 65535, 5000010].some(isPrime)).toBe(false)
  })
})
