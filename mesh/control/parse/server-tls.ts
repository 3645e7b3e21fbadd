/**
 * A Gateway server's `tls` (ServerTLSSettings), checked as Istio's validateTLSOptions and CRD schema check it:
 * one certificate source, what each mode requires (SIMPLE: a certificate and key; MUTUAL: also a client CA;
 * ISTIO_MUTUAL: nothing of its own), CRLs only where they work. meshdojo's ingress serves plain HTTP, so
 * only `mode` and `httpsRedirect` reach the typed spec.
 */

import { FrozenSet } from '../freeze.ts'
import type { GatewayServer } from '../types.ts'
import { absent, bool, checkShape, list, listOf, object, oneOfStr, str, strList } from './fields.ts'
import { at, type Reporter } from './reporter.ts'

const SERVER_TLS_MODES = ['PASSTHROUGH', 'SIMPLE', 'MUTUAL', 'AUTO_PASSTHROUGH', 'ISTIO_MUTUAL', 'OPTIONAL_MUTUAL'] as const
const PROTOCOL_VERSIONS = ['TLS_AUTO', 'TLSV1_0', 'TLSV1_1', 'TLSV1_2', 'TLSV1_3'] as const
/** What BoringSSL (Envoy) accepts in cipherSuites, besides expressions starting with an operator (`-`, `+`, `!`…). */
const CIPHER_SUITES: ReadonlySet<string> = new FrozenSet([
  'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305', 'ECDHE-ECDSA-AES128-SHA', 'ECDHE-RSA-AES128-SHA',
  'ECDHE-ECDSA-AES256-SHA', 'ECDHE-RSA-AES256-SHA', 'AES128-GCM-SHA256', 'AES256-GCM-SHA384', 'AES128-SHA', 'AES256-SHA', 'DES-CBC3-SHA',
])
const FIELDS = [
  'httpsRedirect', 'mode', 'serverCertificate', 'privateKey', 'caCertificates', 'caCrl', 'credentialName', 'credentialNames',
  'caCertCredentialName', 'tlsCertificates', 'subjectAltNames', 'verifyCertificateSpki', 'verifyCertificateHash',
  'minProtocolVersion', 'maxProtocolVersion', 'cipherSuites', 'insecureSkipVerify',
]

type Mode = (typeof SERVER_TLS_MODES)[number]
interface Certificate {
  readonly serverCertificate: string
  readonly privateKey: string
  readonly field: string
}

export function serverTls(v: unknown, field: string, r: Reporter): GatewayServer['tls'] | undefined {
  const o = object(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, { fields: FIELDS })
  const f = (k: string) => at(field, k)
  const text = (k: string) => str(o[k], f(k), r) ?? ''
  const httpsRedirect = bool(o.httpsRedirect, f('httpsRedirect'), r) ?? false
  bool(o.insecureSkipVerify, f('insecureSkipVerify'), r)
  for (const k of ['subjectAltNames', 'verifyCertificateSpki', 'verifyCertificateHash'] as const) strList(o[k], f(k), r)
  text('caCertCredentialName')
  const before = r.errorCount
  // The proto enum's zero value: a `tls` block without a mode is PASSTHROUGH.
  const mode: Mode | undefined = absent(o.mode) ? 'PASSTHROUGH' : oneOfStr(o.mode, f('mode'), r, SERVER_TLS_MODES)
  const min = oneOfStr(o.minProtocolVersion, f('minProtocolVersion'), r, PROTOCOL_VERSIONS)
  oneOfStr(o.maxProtocolVersion, f('maxProtocolVersion'), r, PROTOCOL_VERSIONS)
  const ciphers = strList(o.cipherSuites, f('cipherSuites'), r)
  if ((min === 'TLSV1_0' || min === 'TLSV1_1') && ciphers.length === 0) {
    r.warn('MD0121', f('minProtocolVersion'), 'TLS versions below TLSV1_2 need cipherSuites: the default ciphers no longer include compatible ones')
  }
  checkCiphers(ciphers, f('cipherSuites'), r)
  const credentialNames = itemCount(o.credentialNames, f('credentialNames'), r, () => strList(o.credentialNames, f('credentialNames'), r))
  const tlsCertificates = itemCount(o.tlsCertificates, f('tlsCertificates'), r, () => certificates(o.tlsCertificates, f('tlsCertificates'), r))
  const single: Certificate = { serverCertificate: text('serverCertificate'), privateKey: text('privateKey'), field }
  const caCertificates = text('caCertificates')
  const credentialName = text('credentialName')
  const caCrl = text('caCrl')
  if (mode !== undefined) {
    const tls = { ...single, caCertificates, credentialName, caCrl, credentialNames, tlsCertificates }
    checkMode(mode, tls, field, r)
  }
  if (r.errorCount > before) return undefined
  return { ...(absent(o.mode) ? {} : { mode }), httpsRedirect }
}

interface TlsValues extends Certificate {
  readonly caCertificates: string
  readonly credentialName: string
  readonly caCrl: string
  readonly credentialNames: readonly string[]
  readonly tlsCertificates: readonly Certificate[]
}

function checkMode(mode: Mode, tls: TlsValues, field: string, r: Reporter): void {
  const f = (k: string) => at(field, k)
  if (mode === 'ISTIO_MUTUAL') {
    // ISTIO_MUTUAL uses the gateway's own mesh certificate: nothing else may be given.
    const own: [keyof TlsValues, string][] = [
      ['serverCertificate', 'server certificate'], ['privateKey', 'private key'], ['caCertificates', 'CA bundle'],
      ['tlsCertificates', 'tlsCertificates'], ['credentialName', 'credentialName'], ['credentialNames', 'credentialNames'],
    ]
    for (const [key, what] of own) if (tls[key].length > 0) r.error('MD0107', f(key), `ISTIO_MUTUAL TLS cannot have an associated ${what}`)
    return
  }
  const anyCertificate = tls.caCrl || tls.serverCertificate || tls.privateKey || tls.caCertificates || tls.credentialName ||
    tls.tlsCertificates.length > 0 || tls.credentialNames.length > 0
  if ((mode === 'PASSTHROUGH' || mode === 'AUTO_PASSTHROUGH') && anyCertificate) {
    r.warn('MD0121', field, `${mode} mode does not use certificates; they are ignored`)
  }
  const sources = [tls.serverCertificate !== '' && tls.privateKey !== '', tls.credentialName !== '', tls.credentialNames.length > 0, tls.tlsCertificates.length > 0]
  if (sources.filter(Boolean).length > 1) {
    r.error('MD0107', field, 'only one of credentialName, credentialNames, serverCertificate/privateKey, tlsCertificates should be specified')
  }
  const terminates = mode === 'SIMPLE' || mode === 'MUTUAL' || mode === 'OPTIONAL_MUTUAL'
  // With a credential, the certificates (and the client CA) come from the secret.
  if (terminates && (tls.credentialName !== '' || tls.credentialNames.length > 0)) return
  if (terminates) {
    const prefix = mode === 'SIMPLE' ? 'SIMPLE TLS' : 'MUTUAL TLS'
    if (mode !== 'SIMPLE' && tls.caCertificates === '') r.error('MD0108', f('caCertificates'), `${prefix} requires a client CA bundle`)
    for (const cert of tls.tlsCertificates.length > 0 ? tls.tlsCertificates : [tls]) {
      if (cert.serverCertificate === '') r.error('MD0108', at(cert.field, 'serverCertificate'), `${prefix} requires a server certificate`)
      if (cert.privateKey === '') r.error('MD0108', at(cert.field, 'privateKey'), `${prefix} requires a private key`)
    }
  }
  if (tls.caCrl !== '') {
    if (tls.credentialName !== '') r.error('MD0107', f('caCrl'), 'CRL is not supported with credentialName; put the CRL in the credential')
    if (mode === 'SIMPLE') r.error('MD0107', f('caCrl'), 'CRL is not supported with SIMPLE TLS')
  }
}

/** The CRD allows 1 or 2 entries in `credentialNames` and `tlsCertificates` (the API server enforces it before Istio's webhook). */
function itemCount<T>(v: unknown, field: string, r: Reporter, read: () => readonly T[]): readonly T[] {
  const items = list(v, field, r)
  if (items === undefined) return []
  if (items.length === 0) r.error('MD0108', field, 'must have at least 1 item when set')
  if (items.length > 2) r.error('MD0106', field, `must have at most 2 items (one RSA and one ECDSA certificate), got ${items.length}`)
  return read()
}

function certificates(v: unknown, field: string, r: Reporter): Certificate[] {
  return listOf(v, field, r, (item, f) => {
    const o = object(item, f, r)
    if (o === undefined) return undefined
    checkShape(o, f, r, { fields: ['serverCertificate', 'privateKey', 'caCertificates'] })
    str(o.caCertificates, at(f, 'caCertificates'), r)
    return { serverCertificate: str(o.serverCertificate, at(f, 'serverCertificate'), r) ?? '', privateKey: str(o.privateKey, at(f, 'privateKey'), r) ?? '', field: f }
  })
}

/** Unknown or repeated cipher suites are ignored by Istio, with a warning. */
function checkCiphers(ciphers: readonly string[], field: string, r: Reporter): void {
  const seen = new Set<string>()
  ciphers.forEach((c, i) => {
    const operator = c !== '' && !/^[\p{L}\p{N}]/u.test(c)
    if (c !== '' && c !== 'ALL' && !operator && !CIPHER_SUITES.has(c)) r.warn('MD0121', at(field, i), 'is not a cipher suite Envoy knows, so Istio ignores it', c)
    else if (seen.has(c)) r.warn('MD0121', at(field, i), 'is listed twice; Istio ignores the repeat', c)
    seen.add(c)
  })
}
