import { describe, expect, test } from 'vitest'
import { analyzeFiles } from './analyze-files.ts'

const findings = (spec: string) =>
  analyzeFiles([{ text: `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: db}\nspec:\n  host: db.prod.svc.cluster.local\n${spec}`, file: 'dr.yaml' }])
    .filter((d) => d.code === 'IST0128' || d.code === 'IST0129').map((d) => `${d.level} ${d.code} ${d.field}: ${d.message}`)

describe('TLS origination without server verification (IST0128, IST0129)', () => {
  test('SIMPLE or MUTUAL without caCertificates, at the destination and per port', () => {
    expect(findings(`  trafficPolicy:
    tls: {mode: MUTUAL, clientCertificate: /c.pem, privateKey: /k.pem}
    portLevelSettings:
    - {port: {number: 443}, tls: {mode: SIMPLE}}
    - {port: {number: 8443}, tls: {mode: ISTIO_MUTUAL}}
`)).toEqual([
      'Warning IST0128 spec.trafficPolicy.tls: DestinationRule default/db in namespace default has TLS mode set to MUTUAL but no caCertificates are set to validate server identity for host: db.prod.svc.cluster.local',
      'Warning IST0129 spec.trafficPolicy.portLevelSettings[0].tls: DestinationRule default/db in namespace default has TLS mode set to SIMPLE but no caCertificates are set to validate server identity for host: db.prod.svc.cluster.local at port 443',
    ])
  })

  test('caCertificates verify; a credentialName does only with a workloadSelector', () => {
    expect(findings('  trafficPolicy: {tls: {mode: SIMPLE, caCertificates: /ca.pem}}\n')).toEqual([])
    expect(findings('  trafficPolicy: {tls: {mode: SIMPLE, credentialName: db-credential}}\n')).toHaveLength(1)
    expect(findings('  workloadSelector: {matchLabels: {app: db}}\n  trafficPolicy: {tls: {mode: SIMPLE, credentialName: db-credential}}\n')).toEqual([])
    expect(findings('  trafficPolicy: {tls: {mode: DISABLE}}\n')).toEqual([])
  })
})
