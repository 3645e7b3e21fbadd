/**
 * The httpbin endpoints Istio's circuit-breaking and mirroring tasks use (httpbin.org's shapes).
 * Both subsets run the same app; `version` only labels it.
 */
import express, { type Express, type Request, type Response } from 'express'
import { baseApp, finishApp } from '../app-base.ts'
import { describeAnything, describeGet, origin, titleCaseHeaders } from './echo.ts'

export interface HttpbinOptions {
  /** e.g. 'v1'; shown at / and /health so a mirrored copy can be told apart. Default 'v1'. */
  readonly version?: string
}

/** httpbin caps /delay at 10 s. */
const MAX_DELAY_S = 10

export function createHttpbin(opts: HttpbinOptions = {}): Express {
  const version = opts.version ?? 'v1'
  const app = baseApp()
  app.set('json spaces', 2) // httpbin pretty-prints, which reads well in curl

  app.get('/', function home(_req: Request, res: Response) {
    res.type('text/plain').send(`httpbin ${version}: /get /anything /headers /ip /status/:code /delay/:seconds\n`)
  })
  app.get('/health', function health(_req: Request, res: Response) {
    res.json({ status: 'httpbin is healthy', version })
  })
  app.get('/get', function get(req: Request, res: Response) {
    res.json(describeGet(req))
  })
  app.all(['/anything', '/anything/*rest'], express.raw({ type: () => true, limit: '1mb' }),
    function anything(req: Request, res: Response) {
      res.json(describeAnything(req, Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)))
    })
  app.get('/headers', function headers(req: Request, res: Response) {
    res.json({ headers: titleCaseHeaders(req) })
  })
  app.get('/ip', function ip(req: Request, res: Response) {
    res.json({ origin: origin(req) })
  })
  app.all('/status/:code', function status(req: Request, res: Response) {
    const code = Number(req.params.code)
    if (!Number.isInteger(code) || code < 200 || code > 599) {
      res.status(400).type('text/plain').send('Invalid status code')
      return
    }
    res.status(code).end()
  })
  app.all('/delay/:seconds', function delay(req: Request, res: Response) {
    const seconds = Number(req.params.seconds)
    if (!Number.isFinite(seconds)) {
      res.status(400).type('text/plain').send('Invalid delay')
      return
    }
    const ms = Math.max(0, Math.min(seconds, MAX_DELAY_S)) * 1000
    const timer = setTimeout(() => res.json(describeGet(req)), ms)
    res.once('close', () => clearTimeout(timer)) // the client left, or the server closed
  })

  return finishApp(app)
}
