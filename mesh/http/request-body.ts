/**
 * A request body as the listener takes it in. Up to Envoy's per-connection buffer limit (1 MiB) it is
 * buffered whole, so a retry or a mirror can send it again; past that it is forwarded once, as it
 * arrives, with back-pressure all the way to the caller's socket, and Envoy's router gives up on
 * retrying or shadowing that request (`retry_or_shadow_abandoned`). Nothing in a sidecar's filter
 * chain needs a whole body, so a large upload never becomes a 413 or a large buffer.
 */
import type { IncomingMessage } from 'node:http'
import { Readable } from 'node:stream'

/** Envoy's default `per_connection_buffer_limit_bytes`, which bounds the router's retry/shadow buffer. */
export const REPLAY_BUFFER_BYTES = 1024 * 1024

/** A body too large to buffer: readable once, as it arrives. `bytes` counts what has passed so far. */
export class StreamedBody extends Readable {
  bytes = 0
  readonly #source: IncomingMessage

  constructor(prefix: readonly Buffer[], source: IncomingMessage) {
    super()
    this.#source = source
    for (const chunk of prefix) this.#take(chunk)
    source.pause()
    source.on('data', (chunk: Buffer) => {
      if (!this.#take(chunk)) source.pause()
    })
    source.once('end', () => this.push(null))
    source.once('error', (err) => this.destroy(err))
    source.once('close', () => {
      if (!source.readableEnded) this.destroy(Object.assign(new Error('downstream closed before the request body ended'), { code: 'ECONNRESET' }))
    })
  }

  override _read(): void {
    this.#source.resume()
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // Whoever read us gave up (the upstream failed): drop the rest of the upload, keep the connection
    // to the caller, which still gets its response.
    this.#source.removeAllListeners('data')
    this.#source.resume()
    callback(error)
  }

  #take(chunk: Buffer): boolean {
    this.bytes += chunk.length
    return this.push(chunk)
  }
}

/** Buffers the body while it fits the replay buffer; a larger one (by length or as it grows) streams. */
export function readRequestBody(req: IncomingMessage, limit = REPLAY_BUFFER_BYTES): Promise<Buffer | StreamedBody> {
  const declared = Number(req.headers['content-length'])
  if (declared > limit) return Promise.resolve(new StreamedBody([], req))
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer) => {
      size += chunk.length
      chunks.push(chunk)
      if (size > limit) {
        req.off('data', onData)
        req.off('end', onEnd)
        req.off('error', onEnd)
        resolve(new StreamedBody(chunks, req))
      }
    }
    const onEnd = () => resolve(Buffer.concat(chunks))
    req.on('data', onData)
    req.once('end', onEnd)
    req.once('error', onEnd)
  })
}

/** Bytes of a body so far (a streamed body's count grows until it ends). */
export const bodyBytes = (body: Buffer | StreamedBody | null): number => (body === null ? 0 : Buffer.isBuffer(body) ? body.length : body.bytes)
