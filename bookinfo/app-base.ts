/** What every Bookinfo express app shares: settings, a 404 for unknown routes, and a 500 for crashes. */
import { STATUS_CODES } from 'node:http'
import express, { type Express, type NextFunction, type Request, type Response } from 'express'

/** An express app with the shared settings; add routes, then call `finishApp`. */
export function baseApp(): Express {
  const app = express()
  app.disable('x-powered-by')
  app.disable('etag') // a 304 would hide which backend version rendered a page
  return app
}

/**
 * Appends the last handlers. Express 5 routes thrown errors and rejected promises here, so a crash
 * answers 500 for that request only and never reaches the process.
 */
export function finishApp(app: Express): Express {
  app.use(function notFound(_req: Request, res: Response) {
    res.status(404).type('text/plain').send('Not Found')
  })
  app.use(function internalError(err: unknown, _req: Request, res: Response, _next: NextFunction) {
    if (res.headersSent) {
      res.destroy() // half a response is worse than none: the client sees a reset
      return
    }
    const status = clientErrorStatus(err) ?? 500
    res.status(status).type('text/plain').send(STATUS_CODES[status] ?? 'Error')
  })
  return app
}

/** body-parser and friends mark malformed input with a 4xx `status`; keep it rather than blame ourselves. */
function clientErrorStatus(err: unknown): number | undefined {
  const status = (err as { status?: unknown } | null)?.status
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined
}
