/**
 * Envoy's response flags (access-log %RESPONSE_FLAGS%), as they appear in logs and metrics.
 * https://www.envoyproxy.io/docs/envoy/latest/configuration/observability/access_log/usage
 */
export type ResponseFlag =
  | 'LH' // local service failed its health check
  | 'UH' // no healthy upstream host
  | 'UT' // upstream request timeout
  | 'UR' // upstream remote reset
  | 'UF' // upstream connection failure
  | 'UC' // upstream connection termination
  | 'UO' // upstream overflow: circuit breaker
  | 'NR' // no route configured
  | 'DI' // delay injected by the fault filter
  | 'FI' // abort injected by the fault filter
  | 'RL' // rate limited locally
  | 'UAEX' // unauthorized by an external authorization service
  | 'DC' // downstream connection termination
  | 'URX' // retry limit (or upstream retry budget) reached
  | 'NC' // upstream cluster not found

/** The order Envoy prints flags in (its flag table), so `UF,URX` reads the same as in Envoy's logs. */
const ORDER: readonly ResponseFlag[] = ['LH', 'UH', 'UT', 'UR', 'UF', 'UC', 'UO', 'NR', 'DI', 'FI', 'RL', 'UAEX', 'DC', 'URX', 'NC']

/** Envoy prints flags comma-joined in its table order, and `-` when there are none. */
export function formatFlags(flags: ReadonlySet<ResponseFlag>): string {
  if (flags.size === 0) return '-'
  if (flags.size === 1) return flags.values().next().value as string
  return ORDER.filter((f) => flags.has(f)).join(',')
}
