import type { Agent } from 'undici'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { createDetails } from '../details/app.ts'
import { createRatings } from '../ratings/app.ts'
import { createReviews, type ReviewsVersion } from '../reviews/app.ts'
import { startApp, type RunningApp } from '../serve.ts'
import { call, type Reply } from '../testing/http.ts'
import { closeAll, json, serviceAgent, startStub, type StubPeer } from '../testing/peers.ts'
import { createProductPage, type ProductPageOptions } from './app.ts'

const BOOK = {
  id: 0, author: 'William Shakespeare', year: 1595, type: 'paperback', pages: 200, publisher: 'PublisherA',
  language: 'English', 'ISBN-10': '1234567890', 'ISBN-13': '123-1234567890',
}
const TWO_REVIEWS = {
  id: '0', podname: 'reviews-stub', clustername: 'null',
  reviews: [{ reviewer: 'Reviewer1', text: 'Great.' }, { reviewer: 'Reviewer2', text: 'Fine.' }],
}
const STAR = 'glyphicon glyphicon-star'
const RATINGS_DOWN = '<p class="text-red-500">Ratings service is currently unavailable</p>'

// Service name -> port, read by each test's agent at connect time.
const ports = new Map<string, number>()
const open: RunningApp[] = []
let agent: Agent
let details: RunningApp
let ratings: RunningApp

beforeAll(async () => {
  details = await startApp(createDetails())
  ratings = await startApp(createRatings())
})
afterAll(() => closeAll(details, ratings))
// a fresh agent per test: its pooled keep-alive sockets would otherwise outlive a changed mapping
beforeEach(() => { agent = serviceAgent((service) => ports.get(service)) })
afterEach(async () => {
  ports.clear()
  await closeAll(...open.splice(0), agent)
})

async function productPage(opts: Omit<ProductPageOptions, 'dispatcher'> = {}): Promise<RunningApp> {
  return track(await startApp(createProductPage({ ...opts, dispatcher: agent })))
}
async function realReviews(version: ReviewsVersion): Promise<RunningApp> {
  return track(await startApp(createReviews({ version, dispatcher: agent, podName: `reviews-${version}-pod` })))
}
async function stub(service: string, reply: Parameters<typeof startStub>[0]): Promise<StubPeer> {
  const peer = track(await startStub(reply))
  ports.set(service, peer.port)
  return peer
}
function track<T extends RunningApp>(app: T): T {
  open.push(app)
  return app
}
function useReal(...services: Array<[string, RunningApp]>) {
  for (const [name, app] of services) ports.set(name, app.port)
}
/** Signs in through the form and returns the Cookie header the browser would send. */
async function signIn(page: RunningApp, user: string): Promise<string> {
  const res = await call(`${page.url}/login`, {
    method: 'POST', body: `username=${user}&passwd=password`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  })
  expect(res.status).toBe(302)
  expect(res.headers.location).toBe('/productpage')
  return cookieHeader(res)
}
function cookieHeader(res: Reply): string {
  const setCookie = res.headers['set-cookie']
  return (Array.isArray(setCookie) ? setCookie : [setCookie ?? '']).map((c) => c.split(';')[0]).join('; ')
}
const count = (text: string, part: string) => text.split(part).length - 1

describe('the page with the real services', () => {
  test.each([
    ['v1', 0, 'none'],
    ['v2', 9, 'text-black-500'],
    ['v3', 9, 'text-red-500'],
  ] as const)('reviews %s: %i filled stars (%s)', async (version, stars, colorClass) => {
    const reviews = await realReviews(version)
    useReal(['details', details], ['reviews', reviews], ['ratings', ratings])
    const page = await call(`${(await productPage()).url}/productpage?u=normal`)
    expect(page.status).toBe(200)
    expect(page.headers['content-type']).toMatch(/^text\/html/)
    for (const text of [
      '<title>Simple Bookstore App</title>', 'The Comedy of Errors', 'William Shakespeare', '1234567890',
      '123-1234567890', 'PublisherA', 'Reviewer1', 'Reviewer2', 'The slapstick humour is refreshing!',
      `Reviews served by: reviews-${version}-pod`, 'action="/login"',
    ]) expect(page.text).toContain(text)
    expect(count(page.text, STAR)).toBe(stars)
    expect(page.text.includes('text-red-500')).toBe(version === 'v3')
    if (stars) expect(page.text).toContain(colorClass)
    expect(page.text).not.toContain('Error fetching')
  })

  test('ratings down: reviews-v2 reports it, and the page shows it once per review', async () => {
    const reviews = await realReviews('v2')
    useReal(['details', details], ['reviews', reviews]) // no ratings at all
    const page = await productPage()
    const api = await call(`${page.url}/api/v1/products/0/reviews`)
    expect(api.status).toBe(200)
    expect(api.json()).toMatchObject({
      reviews: [{ rating: { error: 'Ratings service is currently unavailable' } }, { rating: { error: 'Ratings service is currently unavailable' } }],
    })
    const html = (await call(`${page.url}/productpage`)).text
    expect(count(html, RATINGS_DOWN)).toBe(2)
    expect(html).not.toContain(STAR)
  })

  test('signed in as jason, end-user reaches reviews and, through it, ratings', async () => {
    const reviews = await realReviews('v2')
    const ratingsStub = await stub('ratings', json(200, { id: 0, ratings: { Reviewer1: 1, Reviewer2: 2 } }))
    useReal(['details', details], ['reviews', reviews])
    const page = await productPage()
    const cookie = await signIn(page, 'jason')
    const html = (await call(`${page.url}/productpage`, { headers: { cookie } })).text
    expect(html).toContain('jason')
    expect(html).toContain('href="/logout"')
    expect(html).not.toContain('action="/login"')
    expect(ratingsStub.requests.map((r) => r.headers['end-user'])).toEqual(['jason'])
  })
})

describe('what productpage forwards', () => {
  const sent = {
    'x-request-id': 'rid-7', 'x-b3-traceid': '80f198ee56343ba864fe8b2a57d3eff7', 'x-b3-spanid': 'e457b5a2e4d86bd1',
    'x-b3-parentspanid': '05e3ac9a4f6e3b90', 'x-b3-sampled': '1', traceparent: '00-80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-01',
    tracestate: 'a=b', sw8: 'sw8-value', 'user-agent': 'workshop', authorization: 'Bearer x', jwt: 'j.w.t',
  }

  test('trace headers as listed, parentspanid dropped, end-user from the session only', async () => {
    const detailsStub = await stub('details', json(200, BOOK))
    const reviewsStub = await stub('reviews', json(200, TWO_REVIEWS))
    const page = await productPage()
    const cookie = await signIn(page, 'jason')
    await call(`${page.url}/productpage`, { headers: { ...sent, cookie, 'end-user': 'mallory', 'x-unlisted': '1' } })
    const { 'x-b3-parentspanid': _dropped, ...expected } = sent
    for (const peer of [detailsStub, reviewsStub]) {
      expect(peer.requests).toHaveLength(1)
      const got = peer.requests[0]!.headers
      expect(got).toMatchObject({ ...expected, cookie, 'end-user': 'jason' })
      expect(got).not.toHaveProperty('x-b3-parentspanid')
      expect(got).not.toHaveProperty('x-unlisted')
    }
    expect(detailsStub.requests[0]!.url).toBe('/details/0')
    expect(detailsStub.requests[0]!.headers.host).toBe('details:9080')
    expect(reviewsStub.requests[0]!.url).toBe('/reviews/0')
  })

  test('an incoming end-user header alone is not forwarded (jason routing needs a sign-in)', async () => {
    const detailsStub = await stub('details', json(200, BOOK))
    const reviewsStub = await stub('reviews', json(200, TWO_REVIEWS))
    const page = await productPage()
    await call(`${page.url}/productpage`, { headers: { 'end-user': 'jason' } })
    expect(detailsStub.requests[0]!.headers).not.toHaveProperty('end-user')
    expect(reviewsStub.requests[0]!.headers).not.toHaveProperty('end-user')
  })

  test('propagateTraceHeaders false forgets trace context, keeps the user', async () => {
    const reviewsStub = await stub('reviews', json(200, TWO_REVIEWS))
    await stub('details', json(200, BOOK))
    const page = await productPage({ propagateTraceHeaders: false })
    const cookie = await signIn(page, 'jason')
    await call(`${page.url}/productpage`, { headers: { ...sent, cookie } })
    const got = reviewsStub.requests[0]!.headers
    expect(got).toMatchObject({ 'end-user': 'jason', 'user-agent': 'workshop', cookie })
    for (const name of ['x-request-id', 'x-b3-traceid', 'x-b3-spanid', 'x-b3-sampled', 'traceparent', 'tracestate']) {
      expect(got).not.toHaveProperty(name)
    }
  })
})

describe('failures', () => {
  test('details down: the page is still 200 and says so', async () => {
    useReal(['reviews', await realReviews('v1')])
    const page = await productPage()
    const res = await call(`${page.url}/productpage`)
    expect(res.status).toBe(200)
    expect(res.text).toContain('Error fetching product details')
    expect(res.text).toContain('Sorry, product details are currently unavailable for this book.')
    expect(res.text).toContain('Reviewer1')
  })

  test('reviews answering 500 is tried twice, then reported', async () => {
    useReal(['details', details])
    const reviewsStub = await stub('reviews', json(500, { boom: true }))
    const page = await productPage()
    const res = await call(`${page.url}/productpage`)
    expect(res.status).toBe(200)
    expect(reviewsStub.requests).toHaveLength(2)
    expect(res.text).toContain('Error fetching product reviews')
    expect(res.text).toContain('Sorry, product reviews are currently unavailable for this book.')
    expect(res.text).toContain('William Shakespeare')

    const api = await call(`${page.url}/api/v1/products/0/reviews`)
    expect(api.status).toBe(500)
    expect(api.text).toBe('{"error":"Sorry, product reviews are currently unavailable for this book."}')
    expect(reviewsStub.requests).toHaveLength(4)
  })

  test('the second reviews attempt can save the page', async () => {
    useReal(['details', details])
    let calls = 0
    await stub('reviews', (req, res) => (++calls === 1 ? json(503, {}) : json(200, TWO_REVIEWS))(req, res))
    const html = (await call(`${(await productPage()).url}/productpage`)).text
    expect(html).toContain('Reviews served by: reviews-stub')
  })

  test('the product API passes an injected 555 through', async () => {
    await stub('details', json(555, 'fault filter abort'))
    const res = await call(`${(await productPage()).url}/api/v1/products/0`)
    expect(res.status).toBe(555)
    expect(res.text).toBe('{"error":"Sorry, product details are currently unavailable for this book."}')
  })

  test('an unreachable backend is a 500 on the API', async () => {
    const res = await call(`${(await productPage()).url}/api/v1/products/0/ratings`)
    expect(res.status).toBe(500)
    expect(res.text).toBe('{"error":"Sorry, product ratings are currently unavailable for this book."}')
  })

  test('a redirect from a peer is followed, as python-requests does', async () => {
    const detailsStub = await stub('details', (req, res) => {
      if (req.url === '/details/0') res.writeHead(301, { location: 'http://details:9080/moved' }).end()
      else json(200, BOOK)(req, res)
    })
    const res = await call(`${(await productPage()).url}/api/v1/products/0`)
    expect(res.json()).toEqual(BOOK)
    expect(detailsStub.requests.map((r) => r.url)).toEqual(['/details/0', '/moved'])
  })
})

describe('the rest of the routes', () => {
  test('product API', async () => {
    useReal(['details', details], ['ratings', ratings])
    const page = await productPage()
    const list = await call(`${page.url}/api/v1/products`)
    expect(list.json()).toEqual([{ id: 0, title: 'The Comedy of Errors', descriptionHtml: expect.stringContaining("<b>William Shakespeare's</b>") }])
    expect((await call(`${page.url}/api/v1/products/0`)).json()).toEqual(BOOK)
    expect((await call(`${page.url}/api/v1/products/0/ratings`)).json()).toEqual({ id: 0, ratings: { Reviewer1: 5, Reviewer2: 4 } })
  })

  test('health, landing page, stylesheet', async () => {
    const page = await productPage()
    expect((await call(`${page.url}/health`)).text).toBe('Product page is healthy')
    for (const path of ['/', '/index.html']) {
      const landing = await call(`${page.url}${path}`)
      expect(landing.text).toContain('href="/productpage?u=normal"')
      expect(landing.text).toContain('href="/productpage?u=test"')
    }
    const css = await call(`${page.url}/static/bookinfo.css`)
    expect(css.status).toBe(200)
    expect(css.headers['content-type']).toMatch(/^text\/css/)
    expect(css.text).toContain('.text-red-500')
  })

  test('sign out goes back to the Referer and forgets the user', async () => {
    useReal(['details', details], ['reviews', await realReviews('v1')])
    const page = await productPage()
    const cookie = await signIn(page, 'jason')
    const out = await call(`${page.url}/logout`, { headers: { cookie, referer: `${page.url}/productpage?u=test` } })
    expect(out.status).toBe(302)
    expect(out.headers.location).toBe(`${page.url}/productpage?u=test`)
    const html = (await call(`${page.url}/productpage`, { headers: { cookie: cookieHeader(out) } })).text
    expect(html).not.toContain('jason')
    expect(html).toContain('action="/login"')
  })

  test('a forged session cookie is ignored', async () => {
    const reviewsStub = await stub('reviews', json(200, TWO_REVIEWS))
    await stub('details', json(200, BOOK))
    const page = await productPage()
    const forged = `session=${Buffer.from('{"user":"jason"}').toString('base64')}`
    await call(`${page.url}/productpage`, { headers: { cookie: forged } })
    expect(reviewsStub.requests[0]!.headers).not.toHaveProperty('end-user')
  })

  test('metrics count backend results on the app\'s own registry', async () => {
    useReal(['details', details])
    await stub('reviews', json(503, {}))
    const page = await productPage()
    await call(`${page.url}/productpage`)
    const text = (await call(`${page.url}/metrics`)).text
    expect(text).toContain('request_result_total{destination_app="details",response_code="200"} 1')
    expect(text).toContain('request_result_total{destination_app="reviews",response_code="503"} 1')
    const fresh = (await call(`${(await productPage()).url}/metrics`)).text
    expect(fresh).not.toContain('destination_app=')
  })
})
