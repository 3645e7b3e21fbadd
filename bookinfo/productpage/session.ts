/**
 * Sign-in as Bookinfo does it: any name, no password check, kept in a signed cookie named `session`
 * (Flask's `session['user']`). The name becomes the `end-user` header productpage sends on.
 */
import cookieSession from 'cookie-session'
import express, { type Express, type Request, type RequestHandler, type Response } from 'express'

/**
 * Bookinfo hard-codes its Flask secret too, so sessions survive a restart of productpage; this is a
 * playground, not a place to keep secrets. Pass `sessionSecret` to change it.
 */
export const DEFAULT_SESSION_SECRET = 'meshdojo-bookinfo-productpage'

export function sessionMiddleware(secret: string): RequestHandler {
  return cookieSession({ name: 'session', keys: [secret], httpOnly: true, sameSite: 'lax' })
}

/** The signed-in user, or undefined; an `end-user` request header plays no part. */
export function sessionUser(req: Request): string | undefined {
  const user: unknown = req.session?.user
  return typeof user === 'string' && user !== '' ? user : undefined
}

/** POST /login (form field `username`, `passwd` ignored) and GET /logout; both 302 back to the Referer. */
export function addSignInRoutes(app: Express): void {
  app.post('/login', express.urlencoded({ extended: false }), function login(req: Request, res: Response) {
    // Flask's request.values: the form, then the query string
    const user = firstString(req.body?.username) ?? firstString(req.query.username)
    if (req.session) {
      if (user) req.session.user = user
      else delete req.session.user
    }
    res.redirect(302, backTo(req))
  })
  app.get('/logout', function logout(req: Request, res: Response) {
    if (req.session) delete req.session.user
    res.redirect(302, backTo(req))
  })
}

/** Where the user came from; /productpage when the client sent no Referer (curl, the istio.io tests). */
function backTo(req: Request): string {
  return req.get('referer') || '/productpage'
}

function firstString(value: unknown): string | undefined {
  const v = Array.isArray(value) ? value[0] : value
  return typeof v === 'string' && v !== '' ? v : undefined
}
