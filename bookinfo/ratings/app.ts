/** ratings (Istio: src/ratings/ratings.js): star counts per product, with Istio's fault variants. */
import express, { type Express, type Request, type Response } from 'express'
import type { Random } from '../../mesh/random.ts'
import { baseApp, finishApp } from '../app-base.ts'
import { ratingsStore } from './store.ts'
import { chooseOutcome, type RatingsVariant } from './variants.ts'

export type { RatingsVariant } from './variants.ts'

export interface RatingsOptions {
  /** Default 'v1'. The fault variants affect GET /ratings only, as in Istio. */
  readonly variant?: RatingsVariant
  /** Draws for 'faulty' and 'delayed'. Default Math.random; pass a seeded stream to replay a run. */
  readonly random?: Random
  /** 'delayed' only: how long a delayed answer waits. Default 7000 (Istio's v-delayed). */
  readonly delayMs?: number
  /**
   * 'unavailable' only. Unset: every GET answers 503. Set: the app alternates, starting available,
   * between this many ms up and this many ms down, like Istio's v-unavailable (60000).
   */
  readonly unavailableToggleMs?: number
  /** Monotonic ms, read for the 'unavailable' toggle. Default performance.now. */
  readonly now?: () => number
}

/** ratings.js matches `^/ratings/[0-9]*`, then parses the last segment, so `/ratings/x` reaches the 400. */
const RATINGS_PATH = /^\/ratings\/[0-9]*/

export function createRatings(opts: RatingsOptions = {}): Express {
  const store = ratingsStore()
  const now = opts.now ?? (() => performance.now())
  const outcome = chooseOutcome({
    variant: opts.variant ?? 'v1',
    random: opts.random ?? Math.random,
    delayMs: opts.delayMs ?? 7_000,
    unavailableToggleMs: opts.unavailableToggleMs,
    now,
    startedAt: now(),
  })

  const app = baseApp()
  app.get('/health', function health(_req: Request, res: Response) {
    res.json({ status: 'Ratings is healthy' })
  })

  app.get(RATINGS_PATH, function getRatings(req: Request, res: Response) {
    const id = parseProductId(req.path)
    if (id === undefined) return void badId(res)
    const next = outcome()
    if (next.kind === 'unavailable') return void res.status(503).json({ error: 'Service unavailable' })
    if (next.kind === 'delayed') return void later(next.delayMs, res, () => res.json(store.get(id)))
    res.json(store.get(id))
  })

  app.post(RATINGS_PATH, express.text({ type: () => true }), function postRatings(req: Request, res: Response) {
    const id = parseProductId(req.path)
    if (id === undefined) return void badId(res)
    const ratings = parseJson(req.body)
    if (ratings === undefined) return void res.status(400).json({ error: 'please provide valid ratings JSON' })
    res.json(store.put(id, ratings))
  })

  return finishApp(app)
}

/** Runs `send` after `ms` unless the connection closes first: no timer outlives its request or server. */
function later(ms: number, res: Response, send: () => void): void {
  const timer = setTimeout(send, ms)
  res.once('close', () => clearTimeout(timer))
}

function badId(res: Response): void {
  res.status(400).json({ error: 'please provide numeric product ID' })
}

/** JavaScript's parseInt on the last segment, as ratings.js does ("7abc" is 7). */
function parseProductId(path: string): number | undefined {
  const id = Number.parseInt(path.split('/').pop() ?? '', 10)
  return Number.isNaN(id) ? undefined : id
}

function parseJson(body: unknown): unknown {
  if (typeof body !== 'string') return undefined
  try {
    return JSON.parse(body)
  } catch {
    return undefined
  }
}
