/** reviews' call to ratings: one attempt, its own timeout, and any failure read as "no stars known". */
import type { Dispatcher } from 'undici'
import type { ForwardHeaders } from '../headers.ts'
import { getPeerJson } from '../peer-call.ts'

/** Stars per reviewer; a reviewer missing here gets the "unavailable" error in the body. */
export interface Stars {
  readonly reviewer1?: number
  readonly reviewer2?: number
}

const NONE: Stars = {}

/** Never rejects: a non-200, an exception or a timeout all mean NONE, as in the Java code. */
export async function fetchStars(
  dispatcher: Dispatcher,
  productId: string,
  headers: ForwardHeaders,
  timeoutMs: number,
): Promise<Stars> {
  try {
    const res = await getPeerJson(dispatcher, `http://ratings:9080/ratings/${productId}`, headers, timeoutMs)
    return res.status === 200 ? starsFrom(res.json) : NONE
  } catch {
    return NONE
  }
}

/** Reads `ratings.Reviewer1/2`; each is looked at on its own, so one can be missing. */
function starsFrom(body: unknown): Stars {
  const ratings = (body as { ratings?: unknown } | null)?.ratings
  if (typeof ratings !== 'object' || ratings === null) return NONE
  const { Reviewer1, Reviewer2 } = ratings as Record<string, unknown>
  return { reviewer1: wholeNumber(Reviewer1), reviewer2: wholeNumber(Reviewer2) }
}

const wholeNumber = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) ? v : undefined)
