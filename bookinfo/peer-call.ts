/** One HTTP GET from a Bookinfo app to a peer, with the app's own hard-coded deadline. */
import { request, type Dispatcher } from 'undici'
import type { ForwardHeaders } from './headers.ts'

export interface PeerResponse {
  readonly status: number
  /** The parsed body; present only when status is 200, the one answer the apps read. */
  readonly json?: unknown
}

/** Raised when a peer has not answered in full within the caller's deadline. */
export class PeerTimeoutError extends Error {
  override readonly name = 'PeerTimeoutError'
  constructor(readonly url: string, readonly timeoutMs: number) {
    super(`GET ${url}: no complete response within ${timeoutMs}ms`)
  }
}

/**
 * GETs `url` through `dispatcher` (the workload's outbound capture). The deadline covers the whole
 * exchange, body included, in real time. Rejects on a network error, a timeout or a 200 whose body
 * is not JSON; callers treat each of those like Bookinfo treats an exception.
 */
export async function getPeerJson(
  dispatcher: Dispatcher,
  url: string,
  headers: ForwardHeaders,
  timeoutMs: number,
): Promise<PeerResponse> {
  const deadline = new AbortController()
  const timer = setTimeout(() => deadline.abort(new PeerTimeoutError(url, timeoutMs)), timeoutMs)
  try {
    const res = await request(url, { method: 'GET', dispatcher, headers, signal: deadline.signal })
    if (res.statusCode !== 200) {
      await res.body.dump() // an unread body would pin the connection
      return { status: res.statusCode }
    }
    return { status: 200, json: await res.body.json() }
  } finally {
    clearTimeout(timer) // nothing outlives the call
  }
}
