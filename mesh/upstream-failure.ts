/**
 * Failures the data plane answers with a local reply instead of an upstream response.
 * Each kind carries Envoy's status, body, flag and details, so every sidecar reports them alike.
 */
import type { ResponseFlag } from './flags.ts'

export type FailureKind =
  | 'connect-failure'
  | 'reset'
  | 'per-try-timeout'
  | 'route-timeout'
  | 'overflow'
  | 'no-healthy-upstream'
  | 'cluster-not-found'
  | 'no-route'

interface FailureReply {
  readonly status: number
  readonly body: string
  readonly flag: ResponseFlag
  readonly details: string
}

/** Envoy's literal local replies (status, body, %RESPONSE_FLAGS%, %RESPONSE_CODE_DETAILS%). */
export const FAILURE_REPLIES: Readonly<Record<FailureKind, FailureReply>> = Object.freeze({
  'connect-failure': {
    status: 503,
    body: 'upstream connect error or disconnect/reset before headers. reset reason: connection failure',
    flag: 'UF',
    details: 'upstream_reset_before_response_started{connection_failure}',
  },
  reset: {
    status: 503,
    body: 'upstream connect error or disconnect/reset before headers. reset reason: connection termination',
    flag: 'UC',
    details: 'upstream_reset_before_response_started{connection_termination}',
  },
  'per-try-timeout': { status: 504, body: 'upstream request timeout', flag: 'UT', details: 'upstream_per_try_timeout' },
  'route-timeout': { status: 504, body: 'upstream request timeout', flag: 'UT', details: 'upstream_response_timeout' },
  overflow: {
    status: 503,
    body: 'upstream connect error or disconnect/reset before headers. reset reason: overflow',
    flag: 'UO',
    details: 'upstream_reset_before_response_started{overflow}',
  },
  'no-healthy-upstream': { status: 503, body: 'no healthy upstream', flag: 'UH', details: 'no_healthy_upstream' },
  'cluster-not-found': { status: 503, body: '', flag: 'NC', details: 'cluster_not_found' },
  'no-route': { status: 404, body: '', flag: 'NR', details: 'route_not_found' },
})

/** Thrown inside a chain; the outermost filter turns it into Envoy's local reply. */
export class UpstreamFailure extends Error {
  override readonly name = 'UpstreamFailure'
  constructor(
    readonly kind: FailureKind,
    message?: string,
    options?: { cause?: unknown },
  ) {
    super(message ?? FAILURE_REPLIES[kind].body, options)
  }
  get reply(): FailureReply {
    return FAILURE_REPLIES[this.kind]
  }
}
