import { afterAll, beforeAll, expect, test } from 'vitest'
import { startApp, type RunningApp } from '../serve.ts'
import { call } from '../testing/http.ts'
import { createDetails } from './app.ts'

let details: RunningApp
beforeAll(async () => { details = await startApp(createDetails()) })
afterAll(() => details.close())

test('health', async () => {
  const res = await call(`${details.url}/health`)
  expect(res.status).toBe(200)
  expect(res.text).toBe('{"status":"Details is healthy"}')
})

test('details of a book, byte for byte', async () => {
  const res = await call(`${details.url}/details/0`)
  expect(res.status).toBe(200)
  expect(res.headers['content-type']).toMatch(/^application\/json/)
  expect(res.text).toBe('{"id":0,"author":"William Shakespeare","year":1595,"type":"paperback","pages":200,' +
    '"publisher":"PublisherA","language":"English","ISBN-10":"1234567890","ISBN-13":"123-1234567890"}')
  expect((await call(`${details.url}/details/7/`)).json()).toMatchObject({ id: 7 })
})

test.each(['/details/abc', '/details', '/details/1.5'])('%s is a 400', async (path) => {
  const res = await call(`${details.url}${path}`)
  expect(res.status).toBe(400)
  expect(res.text).toBe('{"error":"please provide numeric product id"}')
})
