/** httpbin's description of the request it received, in httpbin.org's JSON shape. */
import type { Request } from 'express'

/** Request headers with httpbin's (werkzeug's) Title-Case names, e.g. `X-B3-Traceid`. */
export function titleCaseHeaders(req: Request): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue
    out[titleCase(name)] = Array.isArray(value) ? value.join(',') : value
  }
  return out
}

/** Python's str.title(): upper-case a letter that follows a non-letter, lower-case the rest. */
export function titleCase(name: string): string {
  return name.toLowerCase().replace(/(^|[^a-z])([a-z])/g, (_, before: string, letter: string) => before + letter.toUpperCase())
}

/** The client address, or the chain the proxies in front recorded. */
export function origin(req: Request): string {
  const forwarded = req.get('x-forwarded-for')
  if (forwarded) return forwarded
  return (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '')
}

/** The body of /get and /delay. */
export function describeGet(req: Request) {
  return {
    args: req.query,
    headers: titleCaseHeaders(req),
    origin: origin(req),
    url: `${req.protocol}://${req.get('host') ?? ''}${req.originalUrl}`,
  }
}

/** The body of /anything: /get's fields plus the method and what was sent. */
export function describeAnything(req: Request, body: Buffer) {
  const text = body.toString('utf8')
  const isForm = req.is('application/x-www-form-urlencoded') === 'application/x-www-form-urlencoded'
  return {
    args: req.query,
    data: isForm ? '' : text,
    files: {},
    form: isForm ? Object.fromEntries(new URLSearchParams(text)) : {},
    headers: titleCaseHeaders(req),
    json: parseJsonOrNull(text),
    method: req.method,
    origin: origin(req),
    url: `${req.protocol}://${req.get('host') ?? ''}${req.originalUrl}`,
  }
}

function parseJsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}
