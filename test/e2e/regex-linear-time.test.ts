/**
 * Issue 15: a VirtualService regex with nested quantifiers plus a crafted header used to freeze every
 * sidecar (a backtracking engine takes 2^n steps: 14 s for 31 bytes, hours for 40). Over real sockets,
 * against `meshdojo demo` in a child process: were the process frozen, this test's own timers would
 * still run and fail it, where an in-process mesh would freeze the test along with it.
 */
import { describe, expect, test } from 'vitest'
import { request } from 'undici'
import { startCli } from '../support/cli.ts'

/** Well above an answer's time on a busy machine, far below what backtracking needs for 40 bytes. */
const ANSWER_MS = 10_000

const GREEDY_VS = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: bookinfo}
spec:
  hosts: ["*"]
  gateways: [bookinfo-gateway]
  http:
  - name: greedy
    match: [{headers: {x-token: {regex: "(a+)+"}}}]
    directResponse: {status: 418, body: {string: "matched (a+)+"}}
  - name: default
    route: [{destination: {host: productpage, port: {number: 9080}}}]
`

describe('config regexes run in linear time', () => {
  test('(a+)+ against a 40-byte crafted header: the default route answers, and so does a concurrent request', async () => {
    const cli = startCli(['demo', '--port', '0', '--admin-port', '0', '--toxiproxy-port', '0', '--seed', '7', '--no-load', '--plain'])
    try {
      const [, ingress, admin] = await cli.waitFor(/ready: Bookinfo at (http:\/\/127\.0\.0\.1:\d+)\/productpage · admin (http:\/\/127\.0\.0\.1:\d+)/)
      const applied = await request(`${admin}/apply?file=greedy.yaml`, { method: 'POST', body: GREEDY_VS })
      expect(applied.statusCode, await applied.body.text()).toBe(200)

      const get = async (path: string, token: string) => {
        const res = await request(`${ingress}${path}`, { headers: { 'x-token': token }, headersTimeout: ANSWER_MS, bodyTimeout: ANSWER_MS })
        return { status: res.statusCode, body: await res.body.text() }
      }
      // The push to the ingress is asynchronous: wait until the new route serves.
      for (let i = 0; (await get('/productpage', 'aaaa')).status !== 418; i++) {
        expect(i, 'the greedy route never started serving').toBeLessThan(200)
        await new Promise((r) => setTimeout(r, 25))
      }

      const crafted = get('/productpage', `${'a'.repeat(40)}!`)
      const other = get('/api/v1/products/0', 'aaaa')
      const [noMatch, matched] = await Promise.all([crafted, other])
      expect(noMatch.status).toBe(200) // not the whole value: RE2 full match fails, so the default route
      expect(noMatch.body).toContain('Simple Bookstore App')
      expect(matched).toEqual({ status: 418, body: 'matched (a+)+' })
      expect((await get('/productpage', 'b')).status).toBe(200) // and the process still serves afterwards
    } finally {
      cli.child.kill('SIGKILL')
    }
  })
})
