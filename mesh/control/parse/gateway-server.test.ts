import { describe, expect, test } from 'vitest'
import { parseConfig } from './parse-config.ts'

/** A Gateway with one server; `server` is flow YAML for the server's fields besides hosts. */
const gw = (server: string) => `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw}
spec: {servers: [{hosts: [foo.bar.com], ${server}}]}
`
const https = (tls: string) => gw(`port: {number: 443, name: https, protocol: HTTPS}, tls: ${tls}`)

const findings = (yaml: string, level = 'Error') =>
  parseConfig(yaml, 'gw.yaml')
    .diagnostics.filter((d) => d.level === level)
    .map((d) => ({ code: d.code, field: d.field }))

const S = 'spec.servers[0]'

describe('Gateway servers: TLS options and binds, validated as Istio does though not simulated', () => {
  test.each([
    ['{mode: SIMPLE, privateKey: key}', 'MD0108', `${S}.tls.serverCertificate`],
    ['{mode: SIMPLE, serverCertificate: cert}', 'MD0108', `${S}.tls.privateKey`],
    ['{mode: SIMPLE, serverCertificate: cert, privateKey: key, credentialName: sds}', 'MD0107', `${S}.tls`],
    ['{mode: SIMPLE, serverCertificate: c, privateKey: k, tlsCertificates: [{serverCertificate: c, privateKey: k}]}', 'MD0107', `${S}.tls`],
    ['{mode: SIMPLE, tlsCertificates: [{serverCertificate: c, privateKey: k}, {privateKey: k}]}', 'MD0108', `${S}.tls.tlsCertificates[1].serverCertificate`],
    ['{mode: MUTUAL, serverCertificate: c, privateKey: k}', 'MD0108', `${S}.tls.caCertificates`],
    ['{mode: OPTIONAL_MUTUAL, serverCertificate: "", privateKey: "", caCertificates: ""}', 'MD0108', `${S}.tls.caCertificates`],
    ['{mode: MUTUAL, credentialNames: [server-certs], serverCertificate: c, privateKey: k}', 'MD0107', `${S}.tls`],
    ['{mode: ISTIO_MUTUAL, serverCertificate: c}', 'MD0107', `${S}.tls.serverCertificate`],
    ['{mode: ISTIO_MUTUAL, caCertificates: ca}', 'MD0107', `${S}.tls.caCertificates`],
    ['{mode: ISTIO_MUTUAL, credentialName: some-cred}', 'MD0107', `${S}.tls.credentialName`],
    ['{mode: SIMPLE, caCrl: crl}', 'MD0107', `${S}.tls.caCrl`],
    ['{mode: SIMPLE, cipherSuites: [not-a-cipher-suite]}', 'MD0108', `${S}.tls.serverCertificate`],
    ['{mode: SIMPLE, tlsCertificates: [{serverCertificate: a, privateKey: a}, {serverCertificate: b, privateKey: b}, {serverCertificate: c, privateKey: c}]}', 'MD0106', `${S}.tls.tlsCertificates`],
    ['{mode: MUTUAL, credentialNames: []}', 'MD0108', `${S}.tls.credentialNames`],
    ['{mode: SIMPLE, credentialName: x, minProtocolVersion: TLSV1_9}', 'MD0106', `${S}.tls.minProtocolVersion`],
  ])('https tls %s → %s at %s', (tls, code, field) => {
    expect(findings(https(tls))).toContainEqual({ code, field })
  })

  test.each([
    ['{mode: SIMPLE, serverCertificate: cert, privateKey: key}'],
    ['{mode: SIMPLE, credentialName: sds, caCrl: crl}'], // with a credential the CRL lives in the secret: not checked
    ['{mode: MUTUAL, credentialNames: [rsa, ecdsa]}'],
    ['{mode: MUTUAL, serverCertificate: c, privateKey: k, caCertificates: ca, caCrl: crl}'],
    ['{mode: ISTIO_MUTUAL}'],
    ['{mode: PASSTHROUGH, credentialName: sds}'],
    ['{mode: SIMPLE, credentialName: x, cipherSuites: [ECDHE-RSA-AES256-GCM-SHA384, "-AES128-SHA", not-a-cipher]}'],
  ])('valid https tls %s', (tls) => {
    expect(findings(https(tls))).toEqual([])
  })

  test('warnings where Istio warns: passthrough with certificates, unknown or repeated ciphers', () => {
    expect(findings(https('{mode: PASSTHROUGH, caCrl: crl}'), 'Warning')).toContainEqual({ code: 'MD0121', field: `${S}.tls` })
    const ciphers = findings(https('{mode: SIMPLE, credentialName: x, cipherSuites: [nope, AES128-SHA, AES128-SHA]}'), 'Warning')
    expect(ciphers).toContainEqual({ code: 'MD0121', field: `${S}.tls.cipherSuites[0]` })
    expect(ciphers).toContainEqual({ code: 'MD0121', field: `${S}.tls.cipherSuites[2]` })
  })

  test('HTTP servers may carry only a passthrough tls block without certificates (httpsRedirect)', () => {
    const http = (tls: string) => gw(`port: {number: 80, name: http, protocol: HTTP}, tls: ${tls}`)
    expect(findings(http('{httpsRedirect: true}'))).toEqual([])
    expect(findings(http('{httpsRedirect: true, minProtocolVersion: TLSV1_2}'))).toEqual([])
    expect(findings(http('{mode: SIMPLE}'))).toContainEqual({ code: 'MD0107', field: `${S}.tls` })
    expect(findings(http('{httpsRedirect: true, serverCertificate: cert}'))).toContainEqual({ code: 'MD0107', field: `${S}.tls` })
    expect(findings(gw('port: {number: 81, name: tcp, protocol: TCP}, tls: {httpsRedirect: true}'))).toContainEqual({ code: 'MD0107', field: `${S}.tls` })
    expect(findings(gw('port: {number: 443, name: https, protocol: HTTPS}, tls: {httpsRedirect: true, mode: SIMPLE, credentialName: x}'), 'Warning'))
      .toContainEqual({ code: 'MD0121', field: `${S}.tls.httpsRedirect` })
  })

  test('bind: a unix socket takes port number 0; an IP address otherwise', () => {
    expect(findings(gw('port: {number: 0, name: http, protocol: HTTP}, bind: "unix://@foobar"'))).toEqual([])
    expect(findings(gw('port: {number: 0, name: http, protocol: HTTP}, bind: "unix:///var/run/gw.sock"'))).toEqual([])
    expect(findings(gw('port: {number: 7, name: http, protocol: HTTP}, bind: "unix://@foobar"'))).toContainEqual({ code: 'MD0111', field: `${S}.port.number` })
    expect(findings(gw('port: {number: 0, name: http, protocol: HTTP}'))).toContainEqual({ code: 'MD0111', field: `${S}.port.number` })
    expect(findings(gw('port: {number: 0, name: http, protocol: HTTP}, bind: "unix://relative/path"'))).toContainEqual({ code: 'MD0106', field: `${S}.bind` })
    expect(findings(gw('port: {number: 80, name: http, protocol: HTTP}, bind: 127.0.0.1'))).toEqual([])
    expect(findings(gw('port: {number: 80, name: http, protocol: HTTP}, bind: localhost'))).toContainEqual({ code: 'MD0106', field: `${S}.bind` })
    expect(findings(gw('port: {number: 80, name: http, protocol: HTTP}, bind: 127.0.0.1'), 'Warning')).toContainEqual({ code: 'MD0104', field: `${S}.bind` })
  })

  test('duplicate port names point at the server that repeats it, even after a server that failed', () => {
    const yaml = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw}
spec:
  servers:
  - {hosts: [bad], port: {number: 80, name: x, protocol: HTTP}}
  - {hosts: [a.com], port: {number: 81, name: http, protocol: HTTP}}
  - {hosts: [b.com], port: {number: 82, name: http, protocol: HTTP}}
`
    expect(findings(yaml)).toContainEqual({ code: 'MD0118', field: 'spec.servers[2].port.name' })
  })
})
