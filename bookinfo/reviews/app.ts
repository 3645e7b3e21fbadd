/** reviews (Istio: src/reviews, Java/Open Liberty): two fixed reviews, with stars from ratings in v2/v3. */
import type { Express, Request, Response } from 'express'
import type { Dispatcher } from 'undici'
import { baseApp, finishApp } from '../app-base.ts'
import { backendForwardHeaders } from '../headers.ts'
import { fetchStars, type Stars } from './ratings-client.ts'
import { reviewsBody, type StarSettings } from './reviews-body.ts'

export type ReviewsVersion = 'v1' | 'v2' | 'v3'

export interface ReviewsOptions {
  readonly version: ReviewsVersion
  /** All calls to peers go through this (the workload's outbound capture). */
  readonly dispatcher: Dispatcher
  /** Shown as `podname` (Java reads HOSTNAME). Default `reviews-<version>`. */
  readonly podName?: string
  /** Default true; false drops trace context on the call to ratings. */
  readonly propagateTraceHeaders?: boolean
}

/**
 * Build settings per version (Istio's docker-bake.hcl). The ratings timeout is the JAX-RS client's
 * connection and receive timeout: 10 s when the colour is black, 2.5 s otherwise. No retry.
 */
const VERSIONS: Readonly<Record<ReviewsVersion, StarSettings | undefined>> = {
  v1: undefined, // ENABLE_RATINGS=false: never calls ratings, no stars
  v2: { color: 'black', ratingsTimeoutMs: 10_000 },
  v3: { color: 'red', ratingsTimeoutMs: 2_500 },
}

export function createReviews(opts: ReviewsOptions): Express {
  const stars = VERSIONS[opts.version]
  const podName = opts.podName ?? `reviews-${opts.version}`
  const propagation = { propagateTraceHeaders: opts.propagateTraceHeaders ?? true }

  const app = baseApp()
  app.get('/health', function health(_req: Request, res: Response) {
    res.type('application/json').send('{"status": "Reviews is healthy"}')
  })

  // Always 200: a ratings failure shows up inside the body, never as the status.
  app.get('/reviews/:productId', async function reviews(req: Request, res: Response) {
    const productId = parseInt32(String(req.params.productId))
    if (productId === undefined) return void res.status(404).type('text/plain').send('Not Found') // JAX-RS int param
    let fetched: Stars | undefined
    if (stars) {
      const headers = backendForwardHeaders(req.headers, propagation)
      fetched = await fetchStars(opts.dispatcher, String(productId), headers, stars.ratingsTimeoutMs)
    }
    res.type('application/json').send(reviewsBody({ productId, podName, stars, fetched }))
  })

  return finishApp(app)
}

/** JAX-RS `@PathParam int`: a decimal int32, or no match (404). */
function parseInt32(text: string): number | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined
  const n = Number(text)
  return n >= -(2 ** 31) && n < 2 ** 31 ? n : undefined
}
