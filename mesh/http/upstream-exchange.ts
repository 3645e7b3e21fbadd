/**
 * One request on an undici dispatcher through its raw handler interface, cancelled through the
 * request's Cancel rather than an AbortSignal: `Pool.request()` would need a signal (an
 * AbortController per request) and wraps each call in an AsyncResource and a promise bridge. The
 * body is a plain Readable fed by the socket with back-pressure; destroying it aborts the request.
 */
import { Readable } from 'node:stream'
import type { Dispatcher } from 'undici'
import type { Cancel, HeaderMap } from '../filter.ts'

export interface UpstreamReply {
  readonly status: number
  readonly headers: HeaderMap
  readonly body: Readable
}

export interface ExchangeRequest {
  readonly method: string
  readonly path: string
  readonly headers: HeaderMap
  readonly body: Buffer | null
  readonly cancel: Cancel
}

/** Resolves when the response headers arrive; rejects with the transport error or the cancellation's reason. */
export function exchange(dispatcher: Dispatcher, req: ExchangeRequest): Promise<UpstreamReply> {
  if (req.cancel.aborted) return Promise.reject(req.cancel.reason)
  return new Promise((resolve, reject) => {
    const handler = new ExchangeHandler(req.cancel, resolve, reject)
    try {
      dispatcher.dispatch({ method: req.method as Dispatcher.HttpMethod, path: req.path, headers: req.headers as Record<string, string | string[]>, body: req.body }, handler)
    } catch (err) {
      handler.onError(err as Error)
    }
  })
}

class ExchangeHandler implements Dispatcher.DispatchHandler {
  private abort: ((reason: Error) => void) | undefined = undefined
  private body: Readable | undefined = undefined
  private complete = false
  private readonly unwatch: () => void

  constructor(
    cancel: Cancel,
    private readonly resolve: (reply: UpstreamReply) => void,
    private readonly reject: (err: unknown) => void,
  ) {
    this.unwatch = cancel.onAbort((reason) => {
      if (this.body) this.body.destroy(reason as Error)
      else if (this.abort) this.abort(reason as Error)
      else this.pendingAbort = reason as Error
    })
  }

  /** Cancelled before undici connected: abort as soon as it hands us the abort function. */
  private pendingAbort: Error | undefined = undefined

  onConnect(abort: (reason?: Error) => void): void {
    if (this.pendingAbort) abort(this.pendingAbort)
    else this.abort = abort
  }

  onHeaders(status: number, rawHeaders: Buffer[], resume: () => void): boolean {
    if (status < 200) return true // 100 Continue and friends: the final response follows
    const headers: HeaderMap = {}
    for (let i = 0; i < rawHeaders.length; i += 2) {
      const name = rawHeaders[i]!.toString('latin1').toLowerCase()
      const value = rawHeaders[i + 1]!.toString('latin1')
      const seen = headers[name]
      headers[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value]
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
    return this.body!.push(chunk)
  }

  onComplete(): void {
    this.complete = true
    this.unwatch()
    this.body?.push(null)
  }

  onError(err: Error): void {
    this.unwatch()
    if (!this.body) this.reject(err)
    else if (!this.body.destroyed) this.body.destroy(err)
  }
}
