/**
 * TLS origination that does not verify the server (Istio's CaCertificateAnalyzer): a DestinationRule with TLS
 * mode SIMPLE or MUTUAL and no `caCertificates` trusts any certificate the upstream shows. IST0128 at the
 * destination level, IST0129 per port-level setting. A `credentialName` counts as verification only with a
 * `workloadSelector` (the secret is then the selected workloads' own, which Istio can read); top level only,
 * as in Istio (subset policies are not checked).
 */

import type { Diagnostic } from '../types.ts'
import { diagnosticFor } from './diagnostic-for.ts'
import type { DestinationRuleView } from './views.ts'

export function checkServerVerification(drs: readonly DestinationRuleView[]): Diagnostic[] {
  const out: Diagnostic[] = []
  for (const dr of drs) {
    const { name, namespace } = dr.resource.meta
    for (const tls of dr.tls) {
      if (tls.mode !== 'SIMPLE' && tls.mode !== 'MUTUAL') continue
      if (tls.caCertificates !== undefined || (tls.credentialName !== undefined && dr.workloadSelector !== undefined)) continue
      const prefix = `DestinationRule ${namespace}/${name} in namespace ${namespace} has TLS mode set to ${tls.mode} but no caCertificates are set to validate server identity for host: ${dr.host ?? ''}`
      out.push(tls.portLevel
        ? diagnosticFor(dr.resource, 'Warning', 'IST0129', tls.field, `${prefix} at port ${tls.port ?? '(none)'}`)
        : diagnosticFor(dr.resource, 'Warning', 'IST0128', tls.field, prefix))
    }
  }
  return out
}
