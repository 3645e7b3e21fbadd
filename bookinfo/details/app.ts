/** details-v1 (Istio: src/details/details.rb): fixed book facts for any numeric id. */
import type { Express, Request, Response } from 'express'
import { baseApp, finishApp } from '../app-base.ts'

export interface DetailsOptions {
  /**
   * Accepted for symmetry with the other apps. details-v1 calls no one; in Istio only v2 forwards
   * headers (to googleapis), and v2 needs the internet, so it is not built here.
   */
  readonly propagateTraceHeaders?: boolean
}

/** The book the whole sample is about; only `id` varies. Key order as details.rb writes it. */
export function bookDetails(id: number) {
  return {
    id,
    author: 'William Shakespeare',
    year: 1595,
    type: 'paperback',
    pages: 200,
    publisher: 'PublisherA',
    language: 'English',
    'ISBN-10': '1234567890',
    'ISBN-13': '123-1234567890',
  }
}

export function createDetails(_opts: DetailsOptions = {}): Express {
  const app = baseApp()
  app.get('/health', function health(_req: Request, res: Response) {
    res.json({ status: 'Details is healthy' })
  })
  // details.rb mounts a prefix and reads the id from the last path segment
  app.get(['/details', '/details/*rest'], function details(req: Request, res: Response) {
    const id = parseProductId(req.path)
    if (id === undefined) {
      res.status(400).json({ error: 'please provide numeric product id' })
      return
    }
    res.json(bookDetails(id))
  })
  return finishApp(app)
}

/** Like Ruby's Integer(): a whole decimal number or nothing; trailing slashes don't count. */
function parseProductId(path: string): number | undefined {
  const last = path.split('/').filter((part) => part !== '').pop() ?? ''
  return /^[+-]?\d+$/.test(last) ? Number(last) : undefined
}
