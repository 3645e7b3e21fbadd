import { describe, expect, test } from 'vitest'
import { LOCAL_CALLERS_ONLY, localOriginRefusal, type CallerHeaders } from './local-origin.ts'

const admin = { boundHost: '127.0.0.1', refuseFormBodies: true }
const get = (headers: Partial<CallerHeaders>): CallerHeaders => ({ method: 'GET', host: '127.0.0.1:15000', ...headers })
const post = (headers: Partial<CallerHeaders>): CallerHeaders => ({ method: 'POST', host: '127.0.0.1:15000', ...headers })

describe('localOriginRefusal', () => {
  test.each([
    ['the meshdojo CLI (undici, application/yaml)', post({ contentType: 'application/yaml' })],
    ['a JSON body', post({ contentType: 'application/json; charset=utf-8' })],
    ['no body type', post({})],
    ['a DELETE without a body', { method: 'DELETE', host: 'localhost:15000' }],
    ['Host localhost, any case, with or without the port', get({ host: 'LocalHost' })],
    ['Host [::1]:port', get({ host: '[::1]:15000' })],
    ['no Host at all (HTTP/1.0; browsers always send one)', { method: 'GET' }],
    ["the API's own Origin", post({ origin: 'http://127.0.0.1:15000', contentType: 'application/yaml' })],
    ['Origin localhost with the port of Host', post({ host: 'localhost:15000', origin: 'http://localhost:15000' })],
    ['Origin [::1] on port 80', get({ host: '[::1]', origin: 'http://[::1]' })],
    ['Sec-Fetch-Site none (typed in the address bar)', get({ secFetchSite: 'none' })],
    ['Sec-Fetch-Site same-origin', post({ secFetchSite: 'same-origin', contentType: 'application/json' })],
    ['a GET that says text/plain', get({ contentType: 'text/plain' })],
  ])('serves %s', (_what, req) => {
    expect(localOriginRefusal(req, admin)).toBeUndefined()
  })

  test.each([
    ['a foreign Host (DNS rebinding)', get({ host: 'evil.example:15000' }), /^refused a request with Host evil\.example:15000: this API answers to 127\.0\.0\.1, localhost, \[::1\] only/],
    ['a name that merely starts like loopback', get({ host: '127.0.0.1.nip.io' }), /Host 127\.0\.0\.1\.nip\.io/],
    ['another loopback name', get({ host: 'foo.localhost:15000' }), /Host foo\.localhost/],
    ['an unbracketed IPv6 Host', get({ host: '::1' }), /Host ::1/],
    ['a Host with a bad port', get({ host: 'localhost:15000x' }), /Host localhost:15000x/],
    ['a foreign Origin', post({ origin: 'http://evil.example', contentType: 'application/yaml' }), /^refused a request with Origin http:\/\/evil\.example: /],
    ['Origin null', post({ origin: 'null' }), /Origin null/],
    ['a local web app on another port', post({ origin: 'http://localhost:3000' }), /Origin http:\/\/localhost:3000/],
    ['an https Origin', get({ origin: 'https://127.0.0.1:15000' }), /Origin https:/],
    ['an Origin with a path', get({ origin: 'http://127.0.0.1:15000/x' }), /Origin http:\/\/127\.0\.0\.1:15000\/x/],
    ['Sec-Fetch-Site cross-site', get({ secFetchSite: 'cross-site' }), /^refused a request with Sec-Fetch-Site cross-site: /],
    ['Sec-Fetch-Site same-site', get({ secFetchSite: 'Same-Site' }), /Sec-Fetch-Site same-site/],
    ['a text/plain POST', post({ contentType: 'text/plain;charset=UTF-8' }), /^refused a POST with content-type text\/plain: .*application\/yaml/],
    ['a form PUT', { method: 'put', host: 'localhost', contentType: 'application/x-www-form-urlencoded' }, /refused a PUT with content-type application\/x-www-form-urlencoded/],
    ['a multipart DELETE', { method: 'DELETE', contentType: ' Multipart/Form-Data; boundary=x' }, /content-type multipart\/form-data/],
  ])('refuses %s', (_what, req, why) => {
    const reason = localOriginRefusal(req, admin)
    expect(reason).toMatch(why)
    expect(reason?.endsWith(LOCAL_CALLERS_ONLY)).toBe(true)
  })

  test('the bound address is also a valid name; a wildcard bind takes any IP literal, never a name', () => {
    const lan = { boundHost: '192.168.1.5', refuseFormBodies: true }
    expect(localOriginRefusal(get({ host: '192.168.1.5:15000' }), lan)).toBeUndefined()
    expect(localOriginRefusal(get({ host: '192.168.1.5:15000', origin: 'http://192.168.1.5:15000' }), lan)).toBeUndefined()
    expect(localOriginRefusal(get({ host: '192.168.1.6:15000' }), lan)).toMatch(/answers to 127\.0\.0\.1, localhost, \[::1\], 192\.168\.1\.5 only/)
    const v6 = { boundHost: 'fd00::5', refuseFormBodies: true }
    expect(localOriginRefusal(get({ host: '[fd00::5]:15000' }), v6)).toBeUndefined()
    const any = { boundHost: '0.0.0.0', refuseFormBodies: true }
    expect(localOriginRefusal(get({ host: '10.1.2.3:15000' }), any)).toBeUndefined()
    expect(localOriginRefusal(get({ host: '[fd00::9]:15000' }), any)).toBeUndefined()
    expect(localOriginRefusal(get({ host: 'box.lan:15000' }), any)).toMatch(/answers to 127\.0\.0\.1, localhost, \[::1\], 0\.0\.0\.0 or an IP address only/)
  })

  test('without refuseFormBodies (the Toxiproxy API) form body types pass; Host and Origin are still checked', () => {
    const toxiproxy = { boundHost: '127.0.0.1', refuseFormBodies: false }
    expect(localOriginRefusal({ method: 'POST', host: 'localhost:8474', contentType: 'application/x-www-form-urlencoded' }, toxiproxy)).toBeUndefined()
    expect(localOriginRefusal({ method: 'POST', host: 'evil.example:8474' }, toxiproxy)).toMatch(/Host evil\.example:8474/)
    expect(localOriginRefusal({ method: 'POST', host: 'localhost:8474', origin: 'http://evil.example' }, toxiproxy)).toMatch(/Origin/)
  })
})
