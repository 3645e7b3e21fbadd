/** What a load driver is asked to do and what it reports, whichever driver it is. */

export interface LoadSpec {
  /** `http://127.0.0.1:PORT/path` */
  readonly url: string
  /** Host header to send (a sidecar routes by it); default: the URL's host. */
  readonly host?: string
  readonly connections: number
  /** Run for this long... */
  readonly durationS?: number
  /** ...or send this many requests (only the in-process driver counts requests exactly). */
  readonly requests?: number
  /** Paced (open-ish loop): each connection waits this long between requests (wrk's `delay()`). */
  readonly thinkMs?: number
}

export interface LoadResult {
  readonly driver: DriverName
  readonly requests: number
  readonly durationS: number
  readonly rps: number
  /** Socket errors and timeouts. */
  readonly errors: number
  /** Responses that were not 2xx/3xx. */
  readonly non2xx: number
  readonly p50Ms: number
  readonly p90Ms: number
  readonly p99Ms: number
  readonly maxMs: number
  /** Smallest latency step the driver can tell apart (wrk and the in-process driver: 1 µs; autocannon: 1 ms). */
  readonly resolutionMs: number
  /** CPU the generator used, in % of one core, when it can be known. */
  readonly generatorCpuPct?: number
}

export type DriverName = 'wrk' | 'autocannon' | 'inproc'

export interface Driver {
  readonly name: DriverName
  run(spec: LoadSpec): Promise<LoadResult>
}
