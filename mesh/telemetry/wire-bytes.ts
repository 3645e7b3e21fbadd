/**
 * Sizes of HTTP/1.1 messages as they crossed the downstream connection, head and body: what Istio's
 * `istio_request_bytes` / `istio_response_bytes` record (the stats filter reads Envoy's downstream
 * wire-bytes meter, so a GET is a few hundred bytes, not 0). The listener hands telemetry the header
 * maps without hop-by-hop headers, so the framing Node and undici add is counted back here: the
 * response's `Connection` and `Keep-Alive`, `Date` when it has none, `Transfer-Encoding: chunked`, and the
 * request's `connection: keep-alive` every HTTP/1.1 client in the mesh sends.
 */
import { STATUS_CODES } from 'node:http'
import type { HeaderMap } from '../filter.ts'

/** `: ` and CRLF around every header value. */
const PER_HEADER = 4
const CRLF = 2
/** `Date: Wed, 02 Dec 2026 14:42:23 GMT\r\n`: an IMF-fixdate is always 29 characters. */
const DATE_LINE = 'Date: '.length + 29 + CRLF
/** `Connection: keep-alive\r\nKeep-Alive: timeout=65\r\n`, as Node answers with the listener's 65 s keep-alive. */
const KEEP_ALIVE_LINES = 'Connection: keep-alive'.length + CRLF + 'Keep-Alive: timeout=65'.length + CRLF
/** `connection: keep-alive\r\n`, which undici (every sidecar's and app's client) sends on every request. */
const CLIENT_KEEP_ALIVE_LINE = 'connection: keep-alive'.length + CRLF
/** `Transfer-Encoding: chunked\r\n`, and the last chunk `0\r\n\r\n`. */
const CHUNKED_HEAD = 'Transfer-Encoding: chunked'.length + CRLF
const LAST_CHUNK = 5

/** Request line, headers, blank line and body of one request. */
export function requestWireBytes(method: string, path: string, headers: HeaderMap, bodyBytes: number): number {
  // `GET /path HTTP/1.1\r\n`
  return method.length + 1 + path.length + ' HTTP/1.1'.length + CRLF + headerBytes(headers) + CLIENT_KEEP_ALIVE_LINE + CRLF + bodyBytes
}

/** Status line, headers (with the ones Node adds), blank line and body of one response. */
export function responseWireBytes(status: number, headers: HeaderMap, bodyBytes: number): number {
  const reason = STATUS_CODES[status] ?? 'unknown'
  // Node adds `Date` unless the response has one (an app's, passed through).
  const date = headers.date === undefined ? DATE_LINE : 0
  let bytes = 'HTTP/1.1 '.length + String(status).length + 1 + reason.length + CRLF + headerBytes(headers) + date + KEEP_ALIVE_LINES + CRLF + bodyBytes
  if (headers['content-length'] === undefined && bodyBytes > 0) {
    // A streamed body without a length goes chunked; counted as one chunk (`<hex size>\r\n…\r\n`).
    bytes += CHUNKED_HEAD + bodyBytes.toString(16).length + CRLF + CRLF + LAST_CHUNK
  }
  return bytes
}

/** `name: value\r\n` per header (one line per value of a list), as Node writes them: one byte per character. */
function headerBytes(headers: HeaderMap): number {
  let bytes = 0
  for (const name in headers) {
    const value = headers[name]
    if (value === undefined) continue
    if (typeof value === 'string') bytes += name.length + PER_HEADER + value.length
    else for (const v of value) bytes += name.length + PER_HEADER + v.length
  }
  return bytes
}
