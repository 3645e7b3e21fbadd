/**
 * productpage's three lookups (getProductDetails / getProductReviews / getProductRatings), with the
 * sample's hard-coded timeouts and its deliberate double try of reviews.
 */
import type { Dispatcher } from 'undici'
import type { ForwardHeaders } from '../headers.ts'
import { getPeerJson } from '../peer-call.ts'
import type { Backend, RequestResults } from './metrics.ts'

export interface BackendResult {
  /** 200, the upstream's status, or 500 when the last attempt threw or timed out. */
  readonly status: number
  /** The upstream JSON on 200; `{ error }` otherwise. */
  readonly body: unknown
}

export type Lookup = (productId: string, headers: ForwardHeaders) => Promise<BackendResult>

export interface Backends {
  readonly details: Lookup
  readonly reviews: Lookup
  readonly ratings: Lookup
}

/** requests.get(..., timeout=3.0) for every backend. */
const TIMEOUT_MS = 3_000

/**
 * Attempts per lookup. reviews gets two on purpose ("bug introduced explicitly for illustration in
 * fault injection task"), which is why a 7 s ratings delay costs the page about 6 s.
 */
const ATTEMPTS: Readonly<Record<Backend, number>> = { details: 1, reviews: 2, ratings: 1 }

export function backends(dispatcher: Dispatcher, results: RequestResults): Backends {
  const lookup = (backend: Backend): Lookup =>
    async function lookupBackend(productId, headers) {
      const url = `http://${backend}:9080/${backend}/${encodeURIComponent(productId)}`
      const result = await tryTimes(ATTEMPTS[backend], () => getPeerJson(dispatcher, url, headers, TIMEOUT_MS))
      results.record(backend, result.status)
      return result.status === 200
        ? { status: 200, body: result.json }
        : { status: result.status, body: { error: `Sorry, product ${backend} are currently unavailable for this book.` } }
    }
  return { details: lookup('details'), reviews: lookup('reviews'), ratings: lookup('ratings') }
}

/** Retries on any exception or non-200; the status reported is the last attempt's (500 if it threw). */
async function tryTimes(attempts: number, call: () => Promise<{ status: number; json?: unknown }>) {
  let last: { status: number; json?: unknown } = { status: 500 }
  for (let i = 0; i < attempts; i++) {
    try {
      last = await call()
    } catch {
      last = { status: 500 }
    }
    if (last.status === 200) break
  }
  return last
}
