/**
 * TCP and TLS routes that can never be used (IST0130) and their match blocks that repeat an earlier one
 * (IST0131), with the same rules as http routes (parse/unreachable-rules.ts). Validation checks http routes
 * as it reads them; tcp and tls routes are not simulated, so their cross-route check runs here.
 */

import type { Diagnostic } from '../types.ts'
import { checkUnreachableL4Rules, type RuleFindings } from '../parse/unreachable-rules.ts'
import { diagnosticFor } from './diagnostic-for.ts'
import type { VirtualServiceView } from './views.ts'

export function checkUnreachableL4Routes(vss: readonly VirtualServiceView[]): Diagnostic[] {
  const out: Diagnostic[] = []
  for (const vs of vss) {
    const findings: RuleFindings = {
      warn: (code, field, message) => void out.push(diagnosticFor(vs.resource, 'Warning', code, field, message)),
      info: (code, field, message) => void out.push(diagnosticFor(vs.resource, 'Info', code, field, message)),
    }
    checkUnreachableL4Rules(vs.tcp, 'spec.tcp', findings)
    checkUnreachableL4Rules(vs.tls, 'spec.tls', findings)
  }
  return out
}
