/** The /productpage HTML. Every backend failure becomes text on the page; the page itself is always 200. */
import type { BackendResult } from './backends.ts'
import { escapeHtml, pageShell } from './layout.ts'
import type { Product } from './products.ts'
import { starsHtml } from './stars.ts'

export interface ProductPageInput {
  readonly product: Product
  readonly details: BackendResult
  readonly reviews: BackendResult
  /** The signed-in user, if any. */
  readonly user: string | undefined
  /** productpage's own pod, shown in the footer. */
  readonly podName: string
}

export function renderProductPage(input: ProductPageInput): string {
  const main = `
<section class="product">
  <h1>${escapeHtml(input.product.title)}</h1>
  <p class="lead">${input.product.descriptionHtml}</p>
</section>
<div class="panels">
  <section class="panel details-panel" aria-labelledby="details-heading">
    ${detailsHtml(input.details)}
  </section>
  <section class="panel reviews-panel" aria-labelledby="reviews-heading">
    ${reviewsHtml(input.reviews)}
  </section>
</div>`
  return pageShell({ navExtra: userHtml(input.user), main, footer: `Page served by: ${input.podName}` })
}

function userHtml(user: string | undefined): string {
  if (user !== undefined) {
    return `<div class="user"><span class="avatar" aria-hidden="true">${escapeHtml(user.slice(0, 1).toUpperCase())}</span>` +
      `<span>Signed in as <strong>${escapeHtml(user)}</strong></span> <a class="signout" href="/logout">Sign out</a></div>`
  }
  return `<form class="signin" method="post" action="/login">
      <input name="username" placeholder="User name" aria-label="User name" required>
      <input name="passwd" type="password" placeholder="Password (any)" aria-label="Password">
      <button type="submit">Sign in</button>
    </form>`
}

/** Book facts in the order a reader scans them; unknown extra keys are left out. */
const DETAIL_ROWS: ReadonlyArray<readonly [label: string, key: string]> = [
  ['Author', 'author'], ['Year', 'year'], ['Type', 'type'], ['Pages', 'pages'],
  ['Publisher', 'publisher'], ['Language', 'language'], ['ISBN-10', 'ISBN-10'], ['ISBN-13', 'ISBN-13'],
]

function detailsHtml(details: BackendResult): string {
  if (details.status !== 200) return failureHtml('details-heading', 'Error fetching product details', details.body)
  const book = asRecord(details.body)
  const rows = DETAIL_ROWS.filter(([, key]) => book[key] !== undefined && book[key] !== null)
    .map(([label, key]) => `<tr><th scope="row">${escapeHtml(label)}</th><td>${escapeHtml(book[key])}</td></tr>`)
  return `<h2 id="details-heading">Book Details</h2>\n    <table class="facts">${rows.join('')}</table>`
}

function reviewsHtml(reviews: BackendResult): string {
  if (reviews.status !== 200) return failureHtml('reviews-heading', 'Error fetching product reviews', reviews.body)
  const body = asRecord(reviews.body)
  const servedBy = servedByText(body)
  const list = Array.isArray(body.reviews) ? body.reviews : []
  const cards = list.map((review) => reviewHtml(asRecord(review), servedBy))
  return `<h2 id="reviews-heading">Book Reviews</h2>\n    <div class="reviews">${cards.join('')}</div>`
}

function reviewHtml(review: Record<string, unknown>, servedBy: string): string {
  return `
    <article class="review">
      ${ratingHtml(asRecord(review.rating))}
      <blockquote>${escapeHtml(review.text ?? '')}</blockquote>
      <p class="reviewer">${escapeHtml(review.reviewer ?? '')}</p>
      <p class="served-by">${escapeHtml(servedBy)}</p>
    </article>`
}

/** Like the template: stars when there is a (non-zero) count, else the error if one came, else nothing. */
function ratingHtml(rating: Record<string, unknown>): string {
  const { stars, color, error } = rating
  if (typeof stars === 'number' && Number.isInteger(stars) && stars > 0) {
    return starsHtml(stars, typeof color === 'string' ? color : 'black')
  }
  if (error) return `<p class="text-red-500">${escapeHtml(error)}</p>`
  return ''
}

function servedByText(body: Record<string, unknown>): string {
  const cluster = body.clustername
  const onCluster = cluster !== undefined && cluster !== 'null' ? ` on cluster ${String(cluster)}` : ''
  return `Reviews served by: ${String(body.podname ?? '')}${onCluster}`
}

function failureHtml(headingId: string, headline: string, body: unknown): string {
  const error = asRecord(body).error
  const detail = error === undefined ? '' : `\n    <p class="error-detail">${escapeHtml(error)}</p>`
  return `<p id="${headingId}" class="error-title text-red-500">${escapeHtml(headline)}</p>${detail}`
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {}
}
