/**
 * One request on a connection pool through undici's handler interface (`onRequestStart`,
 * `onResponseStart`, `onResponseData`, `onResponseEnd`, `onResponseError`), cancelled through the
 * request's Cancel rather than an AbortSignal: `request()` would need a signal (an AbortController
 * per request) and wraps each call in an AsyncResource and a promise bridge.
 *
 * A small body of known length (almost every API response) is collected and handed over whole, as
 * a Buffer: no stream, no listeners, one write downstream. Envoy's route timeout runs until the
 * response is complete, and for these bodies so does ours. Anything else (large, chunked) is a
 * plain Readable fed by the socket with back-pressure; destroying it aborts the request.
 */
import { Readable } from 'node:stream'
import type { Dispatcher } from 'undici'
import type { Cancel, HeaderMap, RequestBody } from '../filter.ts'
import type { ConnectionPool, PooledHandler } from './connection-pool.ts'

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
  readonly body: RequestBody
  readonly cancel: Cancel
}

/**
 * Resolves with the response: at its headers when the body streams, at its end when it comes whole.
 * Rejects with the transport error or the cancellation's reason. `onResponseHeaders` sees the
 * headers as they arrive (and may add to them), whichever way the body comes.
 */
export function exchange(pool: ConnectionPool, req: ExchangeRequest, onResponseHeaders?: (headers: HeaderMap) => void): Promise<UpstreamReply> {
  if (req.cancel.aborted) return Promise.reject(req.cancel.reason)
  return new Promise((resolve, reject) => {
    const handler = new ExchangeHandler(req.cancel, resolve, reject, onResponseHeaders)
    try {
      pool.dispatch({ method: req.method as Dispatcher.HttpMethod, path: req.path, headers: req.headers as Record<string, string | string[]>, body: req.body }, handler)
    } catch (err) {
      handler.onResponseError(undefined, err as Error)
    }
  })
}

/** A response whose body is being collected, to be handed over whole. */
interface WholeReply {
  readonly status: number
  readonly headers: HeaderMap
  readonly chunks: Buffer[]
}

type Controller = Dispatcher.DispatchController

class ExchangeHandler implements PooledHandler {
  release: (() => void) | undefined = undefined
  private controller: Controller | undefined = undefined
  /** Cancelled before undici started the request: abort as soon as it hands us its controller. */
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
      else if (this.controller) this.controller.abort(reason as Error)
      else this.pendingAbort = reason as Error
    })
  }

  onRequestStart(controller: Controller): void {
    if (this.pendingAbort) controller.abort(this.pendingAbort)
    else this.controller = controller
  }

  onResponseStart(controller: Controller, status: number, headers: Record<string, string | string[] | undefined>): void {
    if (status < 200) return // 100 Continue and friends: the final response follows
    // Parsed by undici (a lookup tree for well-known names, safe with a `__proto__` header).
    const map: HeaderMap = headers
    this.onResponseHeaders?.(map)
    const length = map['content-length']
    if (typeof length === 'string' && length.length <= 6 && Number(length) <= WHOLE_BODY_LIMIT) {
      this.whole = { status, headers: map, chunks: [] }
      return
    }
    this.body = new Readable({
      read: () => controller.resume(),
      destroy: (err, callback) => {
        // Dropping a body before its end closes the connection, as any HTTP/1 client must.
        if (!this.complete) controller.abort(err ?? new Error('response body destroyed'))
        this.unwatch()
        callback(err)
      },
    })
    this.resolve({ status, headers: map, body: this.body })
  }

  onResponseData(controller: Controller, chunk: Buffer): void {
    if (this.whole) {
      this.whole.chunks.push(chunk) // bounded by WHOLE_BODY_LIMIT: no back-pressure needed
      return
    }
    if (!this.body!.push(chunk)) controller.pause()
  }

  onResponseEnd(): void {
    this.complete = true
    this.unwatch()
    this.release?.()
    const whole = this.whole
    if (whole) {
      const chunks = whole.chunks
      this.resolve({ status: whole.status, headers: whole.headers, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) })
    } else this.body?.push(null)
  }

  onResponseError(_controller: Controller | undefined, err: Error): void {
    this.unwatch()
    this.release?.()
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
