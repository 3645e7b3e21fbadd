/**
 * Istio's sample external authorizer (samples/extauthz, `cmd/extauthz/main.go`), its HTTP check API: any
 * method and path, allowed iff the request carries `x-ext-authz: allow`. Either way the answer carries
 * `x-ext-authz-check-result: allowed|denied`, echoes `x-ext-authz-additional-header-override`, and says what it
 * received in `x-ext-authz-check-received`; a denial is 403 with the sample's body. The sample's gRPC API (port
 * 9000) is not served. Knows nothing of the mesh: it answers whoever calls it, as the sample does.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'

const CHECK_HEADER = 'x-ext-authz'
const ALLOWED_VALUE = 'allow'
const RESULT_HEADER = 'x-ext-authz-check-result'
const RECEIVED_HEADER = 'x-ext-authz-check-received'
const OVERRIDE_HEADER = 'x-ext-authz-additional-header-override'

/** The sample's denial body, word for word. */
export const DENY_BODY = `denied by ext_authz for not found header \`${CHECK_HEADER}: ${ALLOWED_VALUE}\` in the request`

/** Envoy accepts headers up to 60 KiB, so the sample reports a longer body as `<too-long>`. */
const MAX_ECHOED_BODY = 60_000

export function createExtAuthz(): RequestListener {
  return function extAuthz(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('error', () => res.destroy())
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString()
      const received = `${req.method} ${req.headers.host ?? ''}${req.url}, headers: ${goHeaderMap(req)}, body: [${body.length > MAX_ECHOED_BODY ? '<too-long>' : body}]\n`
      const allowed = first(req, CHECK_HEADER) === ALLOWED_VALUE
      res.setHeader(RESULT_HEADER, allowed ? 'allowed' : 'denied')
      res.setHeader(OVERRIDE_HEADER, first(req, OVERRIDE_HEADER) ?? '')
      res.setHeader(RECEIVED_HEADER, goHeaderValue(received))
      if (allowed) {
        res.writeHead(200, { 'content-length': '0' }).end()
        return
      }
      // Go's net/http sniffs the type of a body written without one.
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(Buffer.byteLength(DENY_BODY)) }).end(DENY_BODY)
    })
  }
}

/** Go's Header.Get: the first value of the header. */
function first(req: IncomingMessage, name: string): string | undefined {
  return req.headersDistinct[name]?.[0]
}

/** The request headers as Go's `%v` prints an http.Header: `map[Accept:[text/plain] X-Ext-Authz:[deny]]`, Host not among them. */
function goHeaderMap(req: IncomingMessage): string {
  const entries = Object.entries(req.headersDistinct)
    .filter(([name]) => name !== 'host' && name !== 'transfer-encoding')
    .map(([name, values]) => [canonical(name), values ?? []] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `map[${entries.map(([name, values]) => `${name}:[${values.join(' ')}]`).join(' ')}]`
}

/** Go's textproto.CanonicalMIMEHeaderKey: `x-ext-authz` → `X-Ext-Authz`. */
function canonical(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase())
}

/** How Go's net/http writes a header value: newlines become spaces, surrounding whitespace is trimmed. */
function goHeaderValue(value: string): string {
  return value.replace(/[\r\n]/g, ' ').trim()
}
