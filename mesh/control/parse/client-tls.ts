/**
 * `trafficPolicy.tls` (ClientTLSSettings), with Istio's checks (agent.ValidateTLS): certificates come from
 * files or from `credentialName`, not both; `insecureSkipVerify` excludes a CA and SANs. Only the mode is
 * simulated (ISTIO_MUTUAL is the mesh's own mTLS); SIMPLE and MUTUAL origination keep the hop plain HTTP.
 */

import type { TLSMode } from '../types.ts'
import { absent, bool, checkShape, object, oneOfStr, str, strList } from './fields.ts'
import { at, type Reporter } from './reporter.ts'

const TLS_MODES: readonly TLSMode[] = ['DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL']
const CONFIGMAP = 'configmap://'

export function clientTls(v: unknown, field: string, r: Reporter): { mode: TLSMode } | undefined {
  const o = object(v, field, r)
  if (o === undefined) return undefined
  checkShape(o, field, r, {
    fields: ['mode'],
    quiet: ['clientCertificate', 'privateKey', 'caCertificates', 'credentialName', 'subjectAltNames', 'sni', 'insecureSkipVerify', 'caCrl'],
  })
  const f = (k: string) => at(field, k)
  const text = (k: string) => str(o[k], f(k), r) ?? ''
  const [clientCertificate, privateKey, caCertificates, credentialName, caCrl] = ['clientCertificate', 'privateKey', 'caCertificates', 'credentialName', 'caCrl'].map(text)
  text('sni')
  const sans = strList(o.subjectAltNames, f('subjectAltNames'), r).length > 0
  const skipVerify = bool(o.insecureSkipVerify, f('insecureSkipVerify'), r) ?? false
  const before = r.errorCount
  const mode = absent(o.mode) ? 'DISABLE' : oneOfStr(o.mode, f('mode'), r, TLS_MODES)
  if (mode === undefined) return undefined

  if (credentialName!.startsWith(CONFIGMAP)) checkConfigMap(credentialName!, f('credentialName'), r)
  if (skipVerify && mode === 'SIMPLE' && (caCertificates || credentialName || sans)) {
    r.error('MD0107', f('insecureSkipVerify'), 'cannot specify caCertificates, credentialName or subjectAltNames when insecureSkipVerify is true')
  }
  if (skipVerify && mode === 'MUTUAL' && (caCertificates || sans)) {
    r.error('MD0107', f('insecureSkipVerify'), 'cannot specify caCertificates or subjectAltNames when insecureSkipVerify is true')
  }
  if ((mode === 'SIMPLE' || mode === 'MUTUAL') && credentialName) {
    if (clientCertificate || caCertificates || privateKey || caCrl) {
      r.error('MD0107', f('credentialName'), 'cannot specify client certificates or CA certificate or CA CRL if credentialName is set')
    }
  } else if (mode === 'MUTUAL' && (!clientCertificate || !privateKey)) {
    r.error('MD0108', field, 'MUTUAL needs clientCertificate and privateKey, or credentialName')
  }
  if (mode === 'SIMPLE' || mode === 'MUTUAL') {
    r.warn('MD0104', f('mode'), `${mode} TLS origination is not simulated; the hop stays plain HTTP`)
  }
  return r.errorCount > before ? undefined : { mode }
}

/** `configmap://<namespace>/<name>`: the namespace is required and must be the DestinationRule's own. */
function checkConfigMap(name: string, field: string, r: Reporter): void {
  const [namespace = '', configMap = ''] = name.slice(CONFIGMAP.length).split('/')
  if (!name.slice(CONFIGMAP.length).includes('/') || namespace === '' || configMap === '') {
    r.error('MD0106', field, 'invalid configmap:// credentialName: expected configmap://<namespace>/<name>', name)
  } else if (namespace !== (r.identity.namespace ?? 'default')) {
    r.error('MD0106', field, `invalid configmap:// credentialName: namespace must match the configuration namespace "${r.identity.namespace ?? 'default'}"`, name)
  }
}
