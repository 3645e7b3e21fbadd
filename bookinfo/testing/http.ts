/** Test support: one request from a test, read to the end. */
import type { IncomingHttpHeaders } from 'node:http'
import { request } from 'undici'

export interface Reply {
  readonly status: number
  readonly headers: IncomingHttpHeaders
  readonly text: string
  /** The body parsed as JSON (throws if it is not). */
  json(): unknown
}

export interface CallOptions {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD'
  readonly headers?: Record<string, string>
  readonly body?: string
  readonly signal?: AbortSignal
}

export async function call(url: string, opts: CallOptions = {}): Promise<Reply> {
  const res = await request(url, {
    method: opts.method ?? 'GET', headers: opts.headers, body: opts.body, signal: opts.signal,
  })
  const text = await res.body.text()
  return { status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) }
}
