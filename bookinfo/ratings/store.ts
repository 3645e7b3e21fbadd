/** ratings-v1's in-memory data: the two fixed reviews, unless a POST replaced them. One per app. */

export interface ProductRatings {
  readonly id: number
  readonly ratings: unknown
}

export interface RatingsStore {
  get(id: number): ProductRatings
  /** Stores `ratings` for `id` as given (any JSON) and returns what GET will now answer. */
  put(id: number, ratings: unknown): ProductRatings
}

export function ratingsStore(): RatingsStore {
  const posted = new Map<number, ProductRatings>()
  const get = (id: number) => posted.get(id) ?? { id, ratings: { Reviewer1: 5, Reviewer2: 4 } }
  return {
    get,
    put(id, ratings) {
      posted.set(id, { id, ratings })
      return get(id)
    },
  }
}
