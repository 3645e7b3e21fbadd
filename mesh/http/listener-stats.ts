/**
 * A listener's connection counters, named as Envoy names them under `listener.<address>.` (e.g.
 * `listener.0.0.0.0_15006.ssl.fail_verify_error`), so a refused handshake shows up where an Istio
 * user would look for it. Requests are counted by telemetry; these count connections.
 */
export const LISTENER_COUNTERS = [
  'downstream_cx_total',
  /** Plain text under STRICT: Envoy has no filter chain for it. */
  'no_filter_chain_match',
  'ssl.handshake',
  'ssl.connection_error',
  /** A client certificate that does not chain to the mesh root. */
  'ssl.fail_verify_error',
  'ssl.fail_verify_no_cert',
] as const

export type ListenerCounter = (typeof LISTENER_COUNTERS)[number]

export class ListenerStats {
  readonly #counts = new Map<ListenerCounter, number>()

  add(counter: ListenerCounter): void {
    this.#counts.set(counter, (this.#counts.get(counter) ?? 0) + 1)
  }

  get(counter: ListenerCounter): number {
    return this.#counts.get(counter) ?? 0
  }

  /** Every counter, zeros included, in LISTENER_COUNTERS order. */
  snapshot(): Record<ListenerCounter, number> {
    return Object.fromEntries(LISTENER_COUNTERS.map((c) => [c, this.get(c)])) as Record<ListenerCounter, number>
  }
}
