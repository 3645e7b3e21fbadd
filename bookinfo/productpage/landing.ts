/** The landing page at / and /index.html: what Bookinfo is made of, and two ways into the product page. */
import { pageShell } from './layout.ts'

/** Who calls whom, with the addresses productpage uses. */
const SERVICES: ReadonlyArray<readonly [name: string, address: string, calls: string]> = [
  ['productpage', 'http://productpage:9080', 'details, then reviews'],
  ['details', 'http://details:9080/details/0', 'nobody'],
  ['reviews', 'http://reviews:9080/reviews/0', 'ratings (v2 and v3 only)'],
  ['ratings', 'http://ratings:9080/ratings/0', 'nobody'],
]

export function renderLanding(): string {
  const rows = SERVICES.map(([name, address, calls]) =>
    `<tr><th scope="row">${name}</th><td><code>${address}</code></td><td>${calls}</td></tr>`)
  const main = `
<section class="panel landing">
  <h1>Bookinfo</h1>
  <p class="lead">A small bookstore split into four services. Every page you open below is assembled from
  their answers, so what you change in the mesh shows up on the page.</p>
  <table class="facts services">
    <thead><tr><th scope="col">Service</th><th scope="col">Address</th><th scope="col">Calls</th></tr></thead>
    <tbody>${rows.join('')}</tbody>
  </table>
  <p>Open the product page as:</p>
  <ul class="entry-links">
    <li><a href="/productpage?u=normal">Normal user</a></li>
    <li><a href="/productpage?u=test">Test user</a></li>
  </ul>
</section>`
  return pageShell({ main })
}
