import type { Agent } from 'undici'
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from 'vitest'
import { createRatings } from '../ratings/app.ts'
import { startApp, type RunningApp } from '../serve.ts'
import { call } from '../testing/http.ts'
import { closeAll, json, serviceAgent, startStub, type StubPeer } from '../testing/peers.ts'
import { createReviews, type ReviewsOptions } from './app.ts'

const ports = new Map<string, number>()
let agent: Agent
let realRatings: RunningApp
const open: RunningApp[] = []

beforeAll(async () => { realRatings = await startApp(createRatings()) })
// a fresh agent per test: its pooled keep-alive sockets would otherwise outlive a changed mapping
beforeEach(() => { agent = serviceAgent((service) => ports.get(service)) })
afterEach(async () => {
  ports.clear()
  await closeAll(...open.splice(0), agent)
})
afterAll(() => realRatings.close())

async function reviews(opts: Omit<ReviewsOptions, 'dispatcher'>): Promise<RunningApp> {
  const running = await startApp(createReviews({ ...opts, dispatcher: agent }))
  open.push(running)
  return running
}
async function stubRatings(reply: Parameters<typeof startStub>[0]): Promise<StubPeer> {
  const stub = await startStub(reply)
  open.push(stub)
  ports.set('ratings', stub.port)
  return stub
}

const REVIEW1 = 'An extremely entertaining play by Shakespeare. The slapstick humour is refreshing!'
const REVIEW2 = 'Absolutely fun and entertaining. The play lacks thematic depth when compared to other plays by Shakespeare.'
const UNAVAILABLE = { error: 'Ratings service is currently unavailable' }

test('health, as the Java literal', async () => {
  const app = await reviews({ version: 'v1' })
  expect((await call(`${app.url}/health`)).text).toBe('{"status": "Reviews is healthy"}')
})

test('v1 never calls ratings and has no rating key', async () => {
  const ratings = await stubRatings(json(200, { id: 0, ratings: { Reviewer1: 5, Reviewer2: 4 } }))
  const app = await reviews({ version: 'v1', podName: 'reviews-v1-abc' })
  const res = await call(`${app.url}/reviews/0`)
  expect(res.status).toBe(200)
  expect(res.text).toBe('{"id": "0","podname": "reviews-v1-abc","clustername": "null","reviews": [' +
    `{  "reviewer": "Reviewer1",  "text": "${REVIEW1}"},{  "reviewer": "Reviewer2",  "text": "${REVIEW2}"}]}`)
  expect(ratings.requests).toHaveLength(0)
})

test.each([['v2', 'black'], ['v3', 'red']] as const)('%s shows %s stars from the real ratings', async (version, color) => {
  ports.set('ratings', realRatings.port)
  const app = await reviews({ version })
  const body = (await call(`${app.url}/reviews/0`)).json()
  expect(body).toEqual({
    id: '0', podname: `reviews-${version}`, clustername: 'null',
    reviews: [
      { reviewer: 'Reviewer1', text: REVIEW1, rating: { stars: 5, color } },
      { reviewer: 'Reviewer2', text: REVIEW2, rating: { stars: 4, color } },
    ],
  })
})

test('forwards end-user and the full B3 set to ratings, and nothing unlisted', async () => {
  const ratings = await stubRatings(json(200, { id: 0, ratings: { Reviewer1: 1, Reviewer2: 2 } }))
  const app = await reviews({ version: 'v2' })
  const sent = {
    'end-user': 'jason', 'x-request-id': 'rid-1', 'x-b3-traceid': '80f198ee56343ba864fe8b2a57d3eff7',
    'x-b3-spanid': 'e457b5a2e4d86bd1', 'x-b3-parentspanid': '05e3ac9a4f6e3b90', 'x-b3-sampled': '1',
    'x-b3-flags': '0', 'user-agent': 'test-agent', 'x-unlisted': 'nope',
  }
  await call(`${app.url}/reviews/0`, { headers: sent })
  expect(ratings.requests).toHaveLength(1)
  const { 'x-unlisted': _dropped, ...forwarded } = sent
  expect(ratings.requests[0]!.headers).toMatchObject({ ...forwarded, host: 'ratings:9080' })
  expect(ratings.requests[0]!.headers).not.toHaveProperty('x-unlisted')
  expect(ratings.requests[0]!.url).toBe('/ratings/0')
})

test('propagateTraceHeaders false keeps end-user but drops trace context', async () => {
  const ratings = await stubRatings(json(200, { id: 0, ratings: { Reviewer1: 1, Reviewer2: 2 } }))
  const app = await reviews({ version: 'v2', propagateTraceHeaders: false })
  await call(`${app.url}/reviews/0`, { headers: { 'end-user': 'jason', 'x-request-id': 'r', 'x-b3-traceid': 'a' } })
  expect(ratings.requests[0]!.headers['end-user']).toBe('jason')
  expect(ratings.requests[0]!.headers).not.toHaveProperty('x-request-id')
  expect(ratings.requests[0]!.headers).not.toHaveProperty('x-b3-traceid')
})

test('a failing ratings still gives 200, with the error in each review', async () => {
  const ratings = await stubRatings(json(503, { error: 'Service unavailable' }))
  const app = await reviews({ version: 'v2' })
  const res = await call(`${app.url}/reviews/0`)
  expect(res.status).toBe(200)
  expect(res.json()).toMatchObject({ reviews: [{ rating: UNAVAILABLE }, { rating: UNAVAILABLE }] })

  await ratings.close() // now unreachable: a connection error, same outcome
  ports.delete('ratings')
  expect((await call(`${app.url}/reviews/0`)).json()).toMatchObject({ reviews: [{ rating: UNAVAILABLE }, { rating: UNAVAILABLE }] })
})

test('each reviewer is read on its own', async () => {
  await stubRatings(json(200, { id: 0, ratings: { Reviewer1: 3 } }))
  const app = await reviews({ version: 'v3' })
  expect((await call(`${app.url}/reviews/0`)).json()).toMatchObject({
    reviews: [{ rating: { stars: 3, color: 'red' } }, { rating: UNAVAILABLE }],
  })
})

test('the product id is an int path parameter, echoed back as a string', async () => {
  ports.set('ratings', realRatings.port)
  const app = await reviews({ version: 'v1' })
  expect((await call(`${app.url}/reviews/abc`)).status).toBe(404)
  expect((await call(`${app.url}/reviews/007`)).json()).toMatchObject({ id: '7' })
})

test('v3 gives up on a silent ratings after 2.5 s and still answers 200', async () => {
  await stubRatings(() => {}) // never answers; closing the stub ends the socket
  const app = await reviews({ version: 'v3' })
  const started = performance.now()
  const res = await call(`${app.url}/reviews/0`)
  const elapsedMs = performance.now() - started
  expect(res.status).toBe(200)
  expect(res.json()).toMatchObject({ reviews: [{ rating: UNAVAILABLE }, { rating: UNAVAILABLE }] })
  expect(elapsedMs).toBeGreaterThanOrEqual(2_300)
  expect(elapsedMs).toBeLessThan(4_000)
})
