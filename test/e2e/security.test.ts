/**
 * Zero trust in the playground: real mTLS between sidecars (auto mTLS, PeerAuthentication STRICT),
 * AuthorizationPolicy and local rate limiting, checked the way Istio's security tasks check them.
 * https://istio.io/latest/docs/tasks/security/
 */
import net from 'node:net'
import tls from 'node:tls'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { request } from 'undici'
import { eventually, startTestMesh, type TestMesh } from '../support/mesh.ts'
import { startMeshedClient } from '../../sim/load/meshed-client.ts'
import { runLoad } from '../../sim/load/load-run.ts'
import { createMeshCa } from '../../mesh/security/ca.ts'
import { listeningPorts } from '../support/listening-ports.ts'

const PRODUCTPAGE = 'spiffe://cluster.local/ns/default/sa/bookinfo-productpage'
const RATINGS = 'spiffe://cluster.local/ns/default/sa/bookinfo-ratings'
const STRICT = `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: istio-system}
spec: {mtls: {mode: STRICT}}
`
const RATINGS_FROM_PRODUCTPAGE_ONLY = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: ratings-viewer}
spec:
  selector: {matchLabels: {app: ratings}}
  action: ALLOW
  rules:
  - from: [{source: {principals: ["cluster.local/ns/default/sa/bookinfo-productpage"]}}]
`

/** A plain HTTP GET straight at an address, bypassing every sidecar: status, or the socket error code. */
async function plainGet(address: string, path = '/ratings/0'): Promise<number | string> {
  try {
    const res = await request(`http://${address}${path}`, { headers: { host: 'ratings:9080' }, reset: true })
    await res.body.dump()
    return res.statusCode
  } catch (err) {
    return (err as { code?: string }).code ?? String(err)
  }
}

type Issuer = { rootPem: string; issue: (id: string, ttl: number, now: number) => Promise<{ certPem: string; keyPem: string }> }

/**
 * An mTLS client presenting a certificate for `spiffeId` issued by `issuer`, trusting the server's
 * certificate if it chains to `trust` (default: the issuer's root). Resolves with the status and the
 * server's SAN; rejects if the connection closes without a response.
 */
async function mtlsGet(address: string, issuer: Issuer, spiffeId: string, headers: Record<string, string> = {}, trust = issuer.rootPem) {
  const issued = await issuer.issue(spiffeId, 60_000, Date.now())
  const [host, port] = address.split(':') as [string, string]
  const socket = tls.connect({ host, port: Number(port), key: issued.keyPem, cert: issued.certPem, ca: trust, minVersion: 'TLSv1.3', checkServerIdentity: () => undefined })
  try {
    await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject))
    const san = socket.getPeerX509Certificate()?.subjectAltName
    const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')
    socket.write(`GET /ratings/0 HTTP/1.1\r\nhost: ratings:9080\r\nconnection: close\r\n${extra}\r\n`)
    let text = ''
    for await (const chunk of socket) text += String(chunk)
    if (text === '') throw new Error('connection closed without a response')
    return { status: Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1]), body: text.slice(text.indexOf('\r\n\r\n') + 4), san }
  } finally {
    socket.destroy()
  }
}

describe('mTLS, authorization and rate limiting', () => {
  let mesh: TestMesh
  beforeAll(async () => {
    mesh = await startTestMesh()
  })
  afterAll(() => mesh.close())
  afterEach(async () => {
    await mesh.resetConfig()
    mesh.records.length = 0
  })

  const ratingsAddress = () => mesh.registry.endpoint('ratings-v1')!.address
  const destinationRecords = (app: string) => mesh.records.filter((r) => r.reporter === 'destination' && r.destination.app === app)

  test('auto mTLS by default: every hop is mutual_tls with both principals, and edges carry a padlock share', async () => {
    const page = await mesh.page('/api/v1/products/0/ratings')
    expect(page.status).toBe(200)
    const atRatings = await eventually(() => destinationRecords('ratings')[0], 'ratings to report')
    expect(atRatings).toMatchObject({
      connectionSecurityPolicy: 'mutual_tls',
      source: { workload: 'productpage-v1', principal: PRODUCTPAGE },
      destination: { workload: 'ratings-v1', principal: RATINGS },
      requestedServerName: 'outbound_.9080_._.ratings.default.svc.cluster.local',
    })
    const atSource = mesh.records.find((r) => r.reporter === 'source' && r.destinationService.startsWith('ratings.'))!
    expect(atSource).toMatchObject({ connectionSecurityPolicy: 'unknown', source: { principal: PRODUCTPAGE }, destination: { principal: RATINGS } })
    const edge = mesh.stats.snapshot(60).edges.find((e) => e.source === 'productpage-v1' && e.destination === 'ratings-v1')!
    expect(edge.mtls).toBe(1)
    expect(mesh.registry.endpoint('ratings-v1')!.principal).toBe(RATINGS)
  })

  test('the bytes on a Toxiproxy link are TLS records, never HTTP', async () => {
    const link = await mesh.links!.api.getProxy('ratings-v1')
    const seen: Buffer[] = []
    const open = new Set<net.Socket>()
    // A raw TCP relay spliced in as the link's upstream: it sees exactly what crosses the link.
    const peek = net.createServer((down) => {
      open.add(down)
      const up = net.connect(Number(link.upstream.split(':')[1]), '127.0.0.1')
      down.once('data', (first: Buffer) => seen.push(first))
      down.pipe(up).pipe(down)
      const close = () => (down.destroy(), up.destroy())
      down.on('error', close).on('close', close)
      up.on('error', close).on('close', close)
      open.add(up)
    })
    await new Promise<void>((r) => peek.listen(0, '127.0.0.1', r))
    try {
      await mesh.links!.api.updateProxy('ratings-v1', { upstream: `127.0.0.1:${(peek.address() as net.AddressInfo).port}` })
      // Re-pointing the link restarts it: a keep-alive connection cut at that moment may fail once (UC).
      await eventually(async () => ((await mesh.page('/api/v1/products/0/ratings')).status === 200 ? true : undefined), 'a page through the spliced link')
      expect(seen.length).toBeGreaterThan(0)
      for (const first of seen) {
        expect(first[0]).toBe(0x16) // TLS handshake record
        expect(first.includes('GET ')).toBe(false)
        expect(first.includes('/ratings/0')).toBe(false)
      }
    } finally {
      await mesh.links!.api.updateProxy('ratings-v1', { upstream: link.upstream })
      for (const socket of open) socket.destroy()
      await new Promise((r) => peek.close(r))
      await eventually(async () => ((await mesh.page('/api/v1/products/0/ratings')).status === 200 ? true : undefined), 'the link restored')
    }
  })

  test('the server certificate is the workload\'s SPIFFE id; a client with a mesh certificate is accepted', async () => {
    const ca = mesh.security!.ca as Parameters<typeof mtlsGet>[1]
    const res = await mtlsGet(ratingsAddress(), ca, 'spiffe://cluster.local/ns/default/sa/sleep')
    expect(res.san).toBe(`URI:${RATINGS}`)
    expect(res.status).toBe(200)
  })

  test('PERMISSIVE accepts plain text; STRICT resets it while sidecars keep working over mTLS', async () => {
    expect(await plainGet(ratingsAddress())).toBe(200)
    const plainRecord = await eventually(() => destinationRecords('ratings').find((r) => r.path === '/ratings/0'), 'the plain request to report')
    expect(plainRecord).toMatchObject({ connectionSecurityPolicy: 'none', source: { workload: 'unknown', principal: 'unknown' } })
    mesh.config.applyText(STRICT, 'strict.yaml')
    expect(await plainGet(ratingsAddress())).toMatch(/ECONNRESET|UND_ERR_SOCKET/)
    expect((await mesh.page('/api/v1/products/0/ratings')).status).toBe(200)
  })

  test('a client certificate from another CA is refused, whatever SPIFFE id it claims, under PERMISSIVE and STRICT', async () => {
    const ratings = mesh.workload('ratings-v1').inbound.listener.stats
    const before = ratings.get('ssl.fail_verify_error')
    const forger = await createMeshCa({ nowMs: Date.now() })
    const meshRoot = mesh.security!.ca.rootPem
    // The forger trusts the real server, so only the server's check of the client can stop it.
    await expect(mtlsGet(ratingsAddress(), forger, PRODUCTPAGE, {}, meshRoot)).rejects.toThrow(/closed without a response|ECONNRESET/)
    mesh.config.applyText(`${STRICT}---\n${RATINGS_FROM_PRODUCTPAGE_ONLY}`, 'strict-authz.yaml')
    await expect(mtlsGet(ratingsAddress(), forger, PRODUCTPAGE, {}, meshRoot)).rejects.toThrow(/closed without a response|ECONNRESET/)
    expect(ratings.get('ssl.fail_verify_error') - before).toBe(2)
    // …and Prometheus sees it where Envoy's stats put it.
    const scraped = await mesh.observability.registry.metrics()
    const series = scraped.split('\n').find((l) => l.startsWith('envoy_listener_ssl_fail_verify_error{') && l.includes('workload="ratings-v1"'))
    expect(series).toMatch(/envoy_listener_address="0\.0\.0\.0_15006"/)
    expect(Number(series!.split(' ').pop())).toBe(ratings.get('ssl.fail_verify_error'))
    // No request from the forged identity ever reached ratings' filters or its telemetry.
    expect(destinationRecords('ratings').filter((r) => r.source.principal === PRODUCTPAGE && r.source.workload !== 'productpage-v1')).toEqual([])
    // The real productpage still gets through, over mTLS with its mesh certificate.
    expect((await mesh.page('/api/v1/products/0/ratings')).status).toBe(200)
  })

  test('a TLS client without a certificate is refused under PERMISSIVE and STRICT', async () => {
    const ratings = mesh.workload('ratings-v1').inbound.listener.stats
    const before = ratings.get('ssl.fail_verify_no_cert')
    const anonymous = async () => {
      const [host, port] = ratingsAddress().split(':') as [string, string]
      const socket = tls.connect({ host, port: Number(port), ca: mesh.security!.ca.rootPem, minVersion: 'TLSv1.3', checkServerIdentity: () => undefined })
      try {
        await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject))
        socket.write('GET /ratings/0 HTTP/1.1\r\nhost: ratings:9080\r\nconnection: close\r\n\r\n')
        let text = ''
        for await (const chunk of socket) text += String(chunk)
        return text
      } catch (err) {
        return (err as { code?: string }).code ?? 'error'
      } finally {
        socket.destroy()
      }
    }
    expect(await anonymous()).not.toMatch(/^HTTP/)
    mesh.config.applyText(STRICT, 'strict.yaml')
    expect(await anonymous()).not.toMatch(/^HTTP/)
    expect(ratings.get('ssl.fail_verify_no_cert') - before).toBe(2)
  })

  test('under STRICT no port of the process reaches an app around its sidecar', async () => {
    mesh.config.applyText(`${STRICT}---\n${RATINGS_FROM_PRODUCTPAGE_ONLY}`, 'strict-authz.yaml')
    const ports = listeningPorts()
    // The ingress, one inbound listener per workload and one Toxiproxy link each (plus the Toxiproxy API).
    expect(ports.length).toBeLessThanOrEqual(2 + 2 * mesh.workloads.size)
    for (const port of ports) {
      const got = await plainGet(`127.0.0.1:${port}`)
      // ratings' own answer would be 200 with its JSON; the ingress has no such route (404).
      expect([port, got]).not.toEqual([port, 200])
    }
    expect((await mesh.page('/api/v1/products/0/ratings')).status).toBe(200)
  })

  test('STRICT with a DestinationRule that disables TLS: the client sidecar reports 503 UC, as Envoy does', async () => {
    mesh.config.applyText(
      `${STRICT}---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ratings}
spec: {host: ratings, trafficPolicy: {tls: {mode: DISABLE}}}
`,
      'strict-dr.yaml',
    )
    const page = await mesh.page('/api/v1/products/0/ratings')
    expect(page.status).toBe(503)
    const failed = mesh.records.find((r) => r.reporter === 'source' && r.source.app === 'productpage' && r.destinationService.startsWith('ratings.'))!
    expect(failed.status).toBe(503)
    expect([...failed.flags]).toContain('UC')
    expect(failed.details).toBe('upstream_reset_before_response_started{connection_termination}')
  })

  test('AuthorizationPolicy: only productpage may call ratings; details gets 403 while the page still works', async () => {
    mesh.config.applyText(RATINGS_FROM_PRODUCTPAGE_ONLY, 'ratings-viewer.yaml')
    expect((await mesh.page('/api/v1/products/0/ratings')).status).toBe(200)
    expect((await mesh.page('/productpage')).status).toBe(200)
    // A direct call from details: through details' own sidecar, so with details' certificate.
    const details = mesh.workload('details-v1')
    const res = await request('http://ratings:9080/ratings/0', { dispatcher: details.egress })
    expect(res.statusCode).toBe(403)
    expect(await res.body.text()).toBe('RBAC: access denied')
    const denied = await eventually(() => destinationRecords('ratings').find((r) => r.status === 403), 'the denial to report')
    expect(denied).toMatchObject({ details: 'rbac_access_denied_matched_policy[none]', source: { workload: 'details-v1', principal: 'spiffe://cluster.local/ns/default/sa/bookinfo-details' } })
    expect(mesh.stats.snapshot(60).workloads.find((w) => w.name === 'ratings-v1')!.codes['403']).toBeGreaterThan(0)
  })

  test('nothing a caller sends impersonates productpage: forged peer metadata and XFCC headers are ignored', async () => {
    mesh.config.applyText(RATINGS_FROM_PRODUCTPAGE_ONLY, 'ratings-viewer.yaml')
    const forged = {
      'x-envoy-peer-metadata-id': 'sidecar~127.0.0.1~productpage-v1.default~default.svc.cluster.local',
      'x-forwarded-client-cert': `By=${RATINGS};URI=${PRODUCTPAGE}`,
    }
    const ca = mesh.security!.ca as Parameters<typeof mtlsGet>[1]
    expect((await mtlsGet(ratingsAddress(), ca, 'spiffe://cluster.local/ns/default/sa/bookinfo-details', forged)).status).toBe(403)
    expect(await plainGet(ratingsAddress())).toBe(403)
    const impostor = await eventually(() => destinationRecords('ratings').find((r) => r.status === 403 && r.source.principal.endsWith('bookinfo-details')), 'the impostor to report')
    expect(impostor.source.workload).toBe('unknown') // the claimed name does not match the certificate
  })

  test('DENY beats ALLOW', async () => {
    mesh.config.applyText(
      `${RATINGS_FROM_PRODUCTPAGE_ONLY}---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-ratings-api}
spec:
  selector: {matchLabels: {app: ratings}}
  action: DENY
  rules: [{to: [{operation: {paths: ["/ratings/*"]}}]}]
`,
      'deny.yaml',
    )
    expect((await mesh.page('/api/v1/products/0/ratings')).status).toBe(403)
    const denied = await eventually(() => destinationRecords('ratings').find((r) => r.status === 403), 'the denial to report')
    expect(denied.details).toBe('rbac_access_denied_matched_policy[ns[default]-policy[deny-ratings-api]-rule[0]]')
  })

  test('LocalRateLimit: at twice the limit about half the requests get 429 RL', async () => {
    mesh.config.applyText(
      `apiVersion: meshdojo.dev/v1alpha1
kind: LocalRateLimit
metadata: {name: ratings}
spec:
  selector: {matchLabels: {app: ratings}}
  tokenBucket: {maxTokens: 5, tokensPerFill: 5, fillInterval: 1s}
`,
      'lrl.yaml',
    )
    const client = await startMeshedClient(mesh)
    try {
      const result = await runLoad({ url: 'http://ratings:9080/ratings/0', dispatcher: client.dispatcher, concurrency: 2, requests: 40, qps: 10, clock: mesh.clock })
      const limited = result.codes['429'] ?? 0
      expect(limited + (result.codes['200'] ?? 0)).toBe(40)
      expect(limited / 40).toBeGreaterThan(0.3)
      expect(limited / 40).toBeLessThan(0.7)
      const rl = destinationRecords('ratings').filter((r) => r.status === 429)
      expect(rl.length).toBe(limited)
      expect(rl.every((r) => r.flags.has('RL') && r.details === 'local_rate_limited')).toBe(true)
    } finally {
      await client.close()
    }
  }, 20_000)
})

describe('certificate rotation', () => {
  let mesh: TestMesh
  beforeAll(async () => {
    // 2 s certificates rotate every second; one request per connection makes every request a new handshake.
    mesh = await startTestMesh({ security: { certTtlMs: 2_000 } })
    mesh.config.applyText(
      ['productpage', 'details', 'reviews', 'ratings']
        .map((h) => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ${h}}
spec: {host: ${h}, trafficPolicy: {connectionPool: {http: {maxRequestsPerConnection: 1}}}}
`)
        .join('---\n'),
      'new-connection-per-request.yaml',
    )
  })
  afterAll(() => mesh.close())

  test('rotation under load loses no request', async () => {
    const ratings = await mesh.security!.certificate(mesh.workload('ratings-v1').identity)
    const before = ratings.issued
    const result = await runLoad({ url: `${mesh.ingressUrl}/productpage`, concurrency: 4, requests: 0, durationMs: 4_500, qps: 40, clock: mesh.clock })
    expect(ratings.issued - before).toBeGreaterThanOrEqual(3)
    expect(result.requests).toBeGreaterThan(10)
    expect(result.codes).toEqual({ '200': result.requests })
    expect(mesh.records.filter((r) => r.status >= 500 || r.status === 0)).toEqual([])
    expect(mesh.records.filter((r) => r.reporter === 'destination').every((r) => r.connectionSecurityPolicy === 'mutual_tls')).toBe(true)
  }, 20_000)
})
