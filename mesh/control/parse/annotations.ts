/**
 * The annotations Istio's webhook checks on every kind (validateMetadata): `istio.io/dry-run` only on an
 * AuthorizationPolicy (which reads it, see authorization-policy.ts), and Istio's internal annotations never.
 */

import type { Kind } from '../types.ts'
import { at, type Reporter } from './reporter.ts'

export const DRY_RUN = 'istio.io/dry-run'

/** Set by Istio itself on generated config: a user setting them could escalate privileges, or is a test hook. */
const INTERNAL: Readonly<Record<string, string>> = Object.freeze({
  'internal.istio.io/webhook-always-reject': 'is found, so the webhook rejects this resource',
  'internal.istio.io/parent-namespace': 'may not be set by users',
  'internal.istio.io/parents': 'may not be set by users',
})

export function checkAnnotations(annotations: Readonly<Record<string, string>>, kind: Kind, r: Reporter): void {
  const field = (key: string) => at(at('metadata', 'annotations'), key)
  if (Object.hasOwn(annotations, DRY_RUN) && kind !== 'AuthorizationPolicy') {
    r.error('MD0005', field(DRY_RUN), `is only supported on AuthorizationPolicy; remove the annotation from this ${kind}`)
  }
  for (const [key, why] of Object.entries(INTERNAL)) if (Object.hasOwn(annotations, key)) r.error('MD0005', field(key), why)
}
