/**
 * The admin API's first middleware: answers 403 to anything a web page could have sent.
 *
 * The API listens on 127.0.0.1, but the user's browser runs there too. A page the user visits can
 * send "simple" requests to http://127.0.0.1:15000 without a CORS preflight (a form post, or a
 * no-cors fetch with a text/plain body): enough to `POST /apply` a VirtualService, `/reset` the
 * config or turn off trace propagation, even if the page never reads the answer. DNS rebinding
 * goes further: a page on evil.example re-resolves its own name to 127.0.0.1 and then reads
 * /config, /logs and /traces as same-origin. So requests are refused when their Host or Origin
 * is not loopback (or the bound address), when `Sec-Fetch-Site` says another site sent them, and
 * when a state-changing request carries a body type a form can send. The rules live in
 * mesh/http/local-origin.ts, shared with the Toxiproxy API.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import { localOriginRefusal } from '../../mesh/http/local-origin.ts'

/** Refuses, with a plain-text 403 saying what and why, requests a browser may have sent for a foreign page. */
export function localOnly(boundHost: string): RequestHandler {
  const policy = { boundHost, refuseFormBodies: true }
  return function localOnlyMiddleware(req: Request, res: Response, next: NextFunction) {
    const reason = localOriginRefusal(
      {
        method: req.method,
        host: req.headers.host,
        origin: req.headers.origin,
        secFetchSite: header(req.headers['sec-fetch-site']),
        contentType: req.headers['content-type'],
      },
      policy,
    )
    if (reason === undefined) {
      next()
      return
    }
    res.status(403).set('X-Content-Type-Options', 'nosniff').type('text/plain').send(`meshdojo admin API: ${reason}\n`)
  }
}

const header = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v.join(', ') : v)
