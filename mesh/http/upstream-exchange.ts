/**
 * One request on an undici dispatcher through its raw handler interface, cancelled through the
 * request's Cancel rather than an AbortSignal: `Pool.request()` would need a signal (an
 * AbortController per request) and wraps each call in an AsyncResource and a promise bridge.
 *
 * A small body of known length (almost every API response) is collected and handed over whole, as
 * a Buffer: no stream, no listeners, one write downstream. Envoy's route timeout runs until the
 * response is complete, and for these bodies so does ours. Anything else (large, chunked) is a
 * plain Readable fed by the socket with back-pressure; destroying it aborts the request.
 */
import { Readable } from 'node:stream'
import { util, type Dispatcher } from 'undici'
import type { Cancel, HeaderMap } from '../filter.ts'

export interface UpstreamReply {
  readonly status: number
  readonly headers: HeaderMap
  readonly body: Buffer | Readable
}

/** Bodies with a content-length up to this are delivered whole (a Buffer) rather than streamed. */
export const WHOLE_BODY_LIMIT = 64 * 1024

export interface ExchangeRequest {
  readonly method: string
  readonly path: string
  readonly headers: HeaderMap
  readonly body: Buffer | null
  readonly cancel: Cancel
}

/**
 * Resolves with the response: at its headers when the body streams, at its end when it comes whole.
 * Rejects with the transport error or the cancellation's reason. `onResponseHeaders` sees the
 * headers as they arrive (and may add to them), whichever way the body comes.
 */
export function exchange(dispatcher: Dispatcher, req: ExchangeRequest, onResponseHeaders?: (headers: HeaderMap) => void): Promise<UpstreamReply> {
  if (req.cancel.aborted) return Promise.reject(req.cancel.reason)
  return new Promise((resolve, reject) => {
    const handler = new ExchangeHandler(req.cancel, resolve, reject, onResponseHeaders)
    try {
      dispatcher.dispatch({ method: req.method as Dispatcher.HttpMethod, path: req.path, headers: req.headers as Record<string, string | string[]>, body: req.body }, handler)
    } catch (err) {
      handler.onError(err as Error)
    }
  })
}

/** A response whose body is being collected, to be handed over whole. */
interface WholeReply {
  readonly status: number
  readonly headers: HeaderMap
  readonly chunks: Buffer[]
}

class ExchangeHandler implements Dispatcher.DispatchHandler {
  private abort: ((reason: Error) => void) | undefined = undefined
  /** Cancelled before undici connected: abort as soon as it hands us the abort function. */
  private pendingAbort: Error | undefined = undefined
  private body: Readable | undefined = undefined
  private whole: WholeReply | undefined = undefined
  private cancelled = false
  private complete = false
  private readonly unwatch: () => void

  constructor(
    cancel: Cancel,
    private readonly resolve: (reply: UpstreamReply) => void,
    private readonly reject: (err: unknown) => void,
    private readonly onResponseHeaders: ((headers: HeaderMap) => void) | undefined,
  ) {
    this.unwatch = cancel.onAbort((reason) => {
      this.cancelled = true
      if (this.body) this.body.destroy(reason as Error)
      else if (this.abort) this.abort(reason as Error)
      else this.pendingAbort = reason as Error
    })
  }

  onConnect(abort: (reason?: Error) => void): void {
    if (this.pendingAbort) abort(this.pendingAbort)
    else this.abort = abort
  }

  onHeaders(status: number, rawHeaders: Buffer[], resume: () => void): boolean {
    if (status < 200) return true // 100 Continue and friends: the final response follows
    // undici's parser: a lookup tree for well-known names, and safe with a `__proto__` header.
    const headers: HeaderMap = util.parseHeaders(rawHeaders)
    this.onResponseHeaders?.(headers)
    const length = headers['content-length']
    if (typeof length === 'string' && length.length <= 6 && Number(length) <= WHOLE_BODY_LIMIT) {
      this.whole = { status, headers, chunks: [] }
      return true
    }
    this.body = new Readable({
      read: resume,
      destroy: (err, callback) => {
        // Dropping a body before its end closes the connection, as any HTTP/1 client must.
        if (!this.complete) this.abort?.(err ?? new Error('response body destroyed'))
        this.unwatch()
        callback(err)
      },
    })
    this.resolve({ status, headers, body: this.body })
    return true
  }

  onData(chunk: Buffer): boolean {
    if (this.whole) {
      this.whole.chunks.push(chunk) // bounded by WHOLE_BODY_LIMIT: no back-pressure needed
      return true
    }
    return this.body!.push(chunk)
  }

  onComplete(): void {
    this.complete = true
    this.unwatch()
    const whole = this.whole
    if (whole) {
      const chunks = whole.chunks
      this.resolve({ status: whole.status, headers: whole.headers, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) })
    } else this.body?.push(null)
  }

  onError(err: Error): void {
    this.unwatch()
    const whole = this.whole
    if (whole && !this.cancelled) {
      // The upstream failed after its headers: as when streaming, the caller gets the headers and
      // what came of the body, then a reset (Envoy has forwarded the headers by then).
      // Lazily, so the error comes only after the caller has started reading.
      const chunks = whole.chunks
      const body = Readable.from(
        (function* () {
          yield* chunks
          throw err
        })(),
      )
      this.resolve({ status: whole.status, headers: whole.headers, body })
    } else if (!this.body) this.reject(err)
    else if (!this.body.destroyed) this.body.destroy(err)
  }
}
