/** The JSON reviews answers, laid out as the Java code concatenates it (spacing included). */
import type { Stars } from './ratings-client.ts'

export interface StarSettings {
  readonly color: 'black' | 'red'
  readonly ratingsTimeoutMs: number
}

export interface ReviewsBodyInput {
  readonly productId: number
  readonly podName: string
  /** undefined for v1: no `rating` key at all. */
  readonly stars: StarSettings | undefined
  readonly fetched: Stars | undefined
}

const REVIEWS = [
  {
    reviewer: 'Reviewer1',
    text: 'An extremely entertaining play by Shakespeare. The slapstick humour is refreshing!',
    starsOf: (s: Stars) => s.reviewer1,
  },
  {
    reviewer: 'Reviewer2',
    text: 'Absolutely fun and entertaining. The play lacks thematic depth when compared to other plays by Shakespeare.',
    starsOf: (s: Stars) => s.reviewer2,
  },
] as const

/** `id` is a string here (details and ratings use a number); `clustername` is "null" (CLUSTER_NAME unset). */
export function reviewsBody(input: ReviewsBodyInput): string {
  const reviews = REVIEWS.map((review) => {
    const fields = `{  "reviewer": ${q(review.reviewer)},  "text": ${q(review.text)}`
    return fields + ratingField(input.stars, input.fetched && review.starsOf(input.fetched)) + '}'
  })
  return `{"id": ${q(String(input.productId))},"podname": ${q(input.podName)},"clustername": "null",` +
    `"reviews": [${reviews.join(',')}]}`
}

function ratingField(settings: StarSettings | undefined, stars: number | undefined): string {
  if (!settings) return ''
  if (stars === undefined) return ', "rating": {"error": "Ratings service is currently unavailable"}'
  return `, "rating": {"stars": ${stars}, "color": ${q(settings.color)}}`
}

const q = (text: string) => JSON.stringify(text)
