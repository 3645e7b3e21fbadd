/** productpage (Istio: src/productpage/productpage.py): the web page and the product API. */
import type { Express, Request, Response } from 'express'
import { interceptors, type Dispatcher } from 'undici'
import { baseApp, finishApp } from '../app-base.ts'
import { productPageForwardHeaders, type ForwardHeaders } from '../headers.ts'
import { backends, type BackendResult, type Lookup } from './backends.ts'
import { renderLanding } from './landing.ts'
import { STYLESHEET_PATH } from './layout.ts'
import { requestResults } from './metrics.ts'
import { renderProductPage } from './page.ts'
import { PRODUCTS } from './products.ts'
import { addSignInRoutes, DEFAULT_SESSION_SECRET, sessionMiddleware, sessionUser } from './session.ts'
import { STYLESHEET } from './stylesheet.ts'

export interface ProductPageOptions {
  /** All calls to peers go through this (the workload's outbound capture). */
  readonly dispatcher: Dispatcher
  /** Shown in the page footer. Default `productpage-v1`. */
  readonly podName?: string
  /** Signs the `session` cookie. Default DEFAULT_SESSION_SECRET (fixed, like Bookinfo's). */
  readonly sessionSecret?: string
  /** Default true; false forgets trace context on every call (a "broken trace" lesson). */
  readonly propagateTraceHeaders?: boolean
}

/** python-requests follows redirects (up to 30), so a mesh redirect is followed, not shown. */
const MAX_REDIRECTS = 30

export function createProductPage(opts: ProductPageOptions): Express {
  const results = requestResults()
  const lookups = backends(opts.dispatcher.compose(interceptors.redirect({ maxRedirections: MAX_REDIRECTS })), results)
  const podName = opts.podName ?? 'productpage-v1'
  const propagation = { propagateTraceHeaders: opts.propagateTraceHeaders ?? true }
  const forwardHeaders = (req: Request): ForwardHeaders =>
    productPageForwardHeaders(req.headers, sessionUser(req), propagation)

  const app = baseApp()
  app.use(sessionMiddleware(opts.sessionSecret ?? DEFAULT_SESSION_SECRET))

  app.get(['/', '/index.html'], function landing(_req: Request, res: Response) {
    res.type('html').send(renderLanding())
  })
  app.get('/health', function health(_req: Request, res: Response) {
    res.type('text/html').send('Product page is healthy')
  })
  app.get(STYLESHEET_PATH, function stylesheet(_req: Request, res: Response) {
    res.type('text/css').set('cache-control', 'public, max-age=300').send(STYLESHEET)
  })
  addSignInRoutes(app)

  // details, then reviews, one after the other; a failure of either still renders a 200 page
  app.get('/productpage', async function productPage(req: Request, res: Response) {
    const headers = forwardHeaders(req)
    const details = await lookups.details('0', headers)
    const reviews = await lookups.reviews('0', headers)
    const product = PRODUCTS[0]!
    res.type('html').send(renderProductPage({ product, details, reviews, user: sessionUser(req), podName }))
  })

  app.get('/api/v1/products', function products(_req: Request, res: Response) {
    res.json(PRODUCTS)
  })
  const proxy = (lookup: Lookup) =>
    async function productApi(req: Request, res: Response) {
      const result = await lookup(String(req.params.id), forwardHeaders(req))
      sendResult(res, result)
    }
  app.get('/api/v1/products/:id', proxy(lookups.details))
  app.get('/api/v1/products/:id/reviews', proxy(lookups.reviews))
  app.get('/api/v1/products/:id/ratings', proxy(lookups.ratings))

  app.get('/metrics', async function metrics(_req: Request, res: Response) {
    res.type(results.registry.contentType).send(await results.registry.metrics())
  })

  return finishApp(app)
}

/** The upstream's status passes through, with its JSON or the "currently unavailable" error. */
function sendResult(res: Response, result: BackendResult): void {
  res.status(result.status).json(result.body)
}
