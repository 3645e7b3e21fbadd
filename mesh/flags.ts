/**
 * Envoy's response flags (access-log %RESPONSE_FLAGS%), as they appear in logs and metrics.
 * https://www.envoyproxy.io/docs/envoy/latest/configuration/observability/access_log/usage
 */
export type ResponseFlag =
  | 'DI' // delay injected by the fault filter
  | 'FI' // abort injected by the fault filter
  | 'UT' // upstream request timeout
  | 'URX' // retry limit (or upstream retry budget) reached
  | 'UO' // upstream overflow: circuit breaker
  | 'UH' // no healthy upstream host
  | 'UF' // upstream connection failure
  | 'UC' // upstream connection termination
  | 'UR' // upstream remote reset
  | 'NR' // no route configured
  | 'NC' // upstream cluster not found
  | 'DC' // downstream connection termination
  | 'RL' // rate limited locally
  | 'UAEX' // unauthorized by an external authorization service

/** Envoy prints flags comma-joined, and `-` when there are none. */
export const formatFlags = (flags: Iterable<ResponseFlag>): string => {
  const list = [...flags]
  return list.length === 0 ? '-' : list.join(',')
}
