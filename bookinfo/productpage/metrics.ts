/** productpage's Prometheus counter of backend results, on a registry of its own (never the global one). */
import { Counter, Registry } from 'prom-client'

export type Backend = 'details' | 'reviews' | 'ratings'

export interface RequestResults {
  /** Counts one finished backend lookup (after productpage's own retries) by its final status. */
  record(backend: Backend, status: number): void
  readonly registry: Registry
}

export function requestResults(): RequestResults {
  const registry = new Registry()
  // Python's client exposes a counter named request_result as request_result_total; match the scrape.
  const counter = new Counter({
    name: 'request_result_total',
    help: 'Results of requests',
    labelNames: ['destination_app', 'response_code'] as const,
    registers: [registry],
  })
  return {
    registry,
    record: (backend, status) => counter.inc({ destination_app: backend, response_code: String(status) }),
  }
}
