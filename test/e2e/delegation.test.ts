/**
 * VirtualService delegation over real sockets: a root VirtualService hands a route over to a delegate
 * (a VirtualService without hosts), on the ingress gateway and between sidecars, and a delegate that is
 * applied, changed or deleted later takes effect on the next push.
 * https://istio.io/latest/docs/reference/config/networking/virtual-service/#Delegate
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { servedBy, startTestMesh, type TestMesh } from '../support/mesh.ts'
import { applySamples } from '../support/samples.ts'

const PRODUCT_PAGE = 'The Comedy of Errors'

/** A VirtualService document; `id` is `name` or `name.namespace`. */
const vs = (id: string, spec: string) => {
  const [name, namespace = 'default'] = id.split('.')
  return `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: ${name}, namespace: ${namespace}}\nspec:\n${spec}\n---\n`
}

/** Istio's docs example, for Bookinfo: the gateway's root for `*` hands /productpage & co to another namespace. */
const INGRESS_ROOT = vs('bookinfo', `  hosts: ["*"]
  gateways: [bookinfo-gateway]
  http:
  - name: frontend
    match:
    - uri: {exact: /productpage}
    - uri: {prefix: /static}
    - uri: {exact: /login}
    - uri: {exact: /logout}
    - uri: {prefix: /api/v1/products}
    delegate: {name: productpage, namespace: frontend}
  - name: reviews-api
    match: [{uri: {prefix: /reviews/}}]
    delegate: {name: reviews-api}`)
const PRODUCTPAGE_DELEGATE = vs('productpage.frontend', `  http:
  - name: v1
    route: [{destination: {host: productpage.default.svc.cluster.local, port: {number: 9080}}}]`)
const REVIEWS_API_DELEGATE = vs('reviews-api', `  http:
  - route: [{destination: {host: reviews, port: {number: 9080}}}]`)

describe('VirtualService delegation', () => {
  let mesh: TestMesh
  let jason: string
  beforeAll(async () => {
    mesh = await startTestMesh()
    jason = await mesh.login('jason')
    mesh.records.length = 0
  })
  afterAll(() => mesh.close())
  afterEach(async () => {
    await mesh.resetConfig()
    mesh.records.length = 0
  })

  const apply = (yaml: string) => mesh.config.applyText(yaml, 'delegation.yaml')
  /** Records productpage's sidecar made of its calls to reviews, since the last reset. */
  const reviewsCalls = () => mesh.records.filter((r) => r.reporter === 'source' && r.source.workload === 'productpage-v1' && r.destinationService.startsWith('reviews.'))
  const gatewayRecords = () => mesh.records.filter((r) => r.reporter === 'source' && r.source.workload === mesh.gatewayIdentity.name)
  const versions = async (n: number, cookie?: string) => {
    const seen = new Set<string | undefined>()
    for (let i = 0; i < n; i++) seen.add(servedBy((await mesh.page('/productpage', cookie ? { cookie } : {})).body))
    return [...seen].sort()
  }

  test('ingress: the root for * on bookinfo-gateway delegates the product page to another namespace and /reviews/ to its own', async () => {
    apply(INGRESS_ROOT + PRODUCTPAGE_DELEGATE + REVIEWS_API_DELEGATE)
    const page = await mesh.page('/productpage')
    expect(page.status).toBe(200)
    expect(page.body).toContain(PRODUCT_PAGE)
    expect((await mesh.page('/static/bookinfo.css')).status).toBe(200)
    const reviews = await mesh.page('/reviews/0')
    expect(reviews.status).toBe(200)
    expect(JSON.parse(reviews.body)).toMatchObject({ id: '0' })
    // Outside every root match: no route (404, NR), as the delegates add nothing the root does not match.
    expect((await mesh.page('/details/0')).status).toBe(404)
    // Route names as Istio merges them: <root route>-<delegate route>, or the root's when the delegate's has none.
    expect(gatewayRecords().map((r) => r.routeName)).toEqual(['frontend-v1', 'frontend-v1', 'reviews-api', ''])
  })

  test('ingress: a delegate deleted later drops its routes on the next push; applied again, they are back', async () => {
    apply(INGRESS_ROOT + PRODUCTPAGE_DELEGATE + REVIEWS_API_DELEGATE)
    expect((await mesh.page('/productpage')).status).toBe(200)
    expect(mesh.config.delete('VirtualService', 'productpage', 'frontend')).toBe(true)
    expect((await mesh.page('/productpage')).status).toBe(404) // the root's route is skipped: nothing else matches
    expect((await mesh.page('/reviews/0')).status).toBe(200) // the other delegating route still works
    apply(PRODUCTPAGE_DELEGATE)
    expect((await mesh.page('/productpage')).body).toContain(PRODUCT_PAGE)
  })

  test('sidecars: a root for reviews with a match hands over to a delegate whose header-matched routes split jason from everyone else', async () => {
    applySamples(mesh, 'destination-rule-all.yaml')
    apply(
      vs('reviews', `  hosts: [reviews]
  http:
  - name: reviews
    match: [{uri: {prefix: /reviews/}}]
    delegate: {name: reviews-by-user, namespace: reviews-team}`) +
        vs('reviews-by-user.reviews-team', `  http:
  - name: jason
    match: [{headers: {end-user: {exact: jason}}}]
    route: [{destination: {host: reviews.default.svc.cluster.local, subset: v2}}]
  - name: everyone
    route: [{destination: {host: reviews.default.svc.cluster.local, subset: v3}}]`),
    )
    expect(await versions(6, jason)).toEqual(['v2'])
    expect(await versions(6)).toEqual(['v3'])
    expect(new Set(reviewsCalls().map((r) => r.routeName))).toEqual(new Set(['reviews-jason', 'reviews-everyone']))
    expect(new Set(reviewsCalls().map((r) => r.upstreamCluster))).toEqual(new Set(['outbound|9080|v2|reviews.default.svc.cluster.local', 'outbound|9080|v3|reviews.default.svc.cluster.local']))
  })

  test('sidecars: the delegate applied after its root, changed, then deleted takes effect on each push', async () => {
    applySamples(mesh, 'destination-rule-all.yaml')
    apply(vs('reviews', `  hosts: [reviews]
  http:
  - match: [{uri: {prefix: /reviews/}}]
    delegate: {name: reviews-routes}`))
    // No delegate yet: the root has no route for this sidecar, so reviews keeps its default route (every version).
    expect((await versions(12)).length).toBeGreaterThan(1)
    expect(new Set(reviewsCalls().map((r) => r.routeName))).toEqual(new Set(['default']))

    const delegate = (subset: string) => vs('reviews-routes', `  http:\n  - name: to-${subset}\n    route: [{destination: {host: reviews, subset: ${subset}}}]`)
    apply(delegate('v3'))
    expect(await versions(6)).toEqual(['v3'])
    apply(delegate('v1'))
    expect(await versions(6)).toEqual(['v1'])
    expect(reviewsCalls().at(-1)!.routeName).toBe('to-v1')

    mesh.records.length = 0
    expect(mesh.config.delete('VirtualService', 'reviews-routes')).toBe(true)
    expect((await versions(12)).length).toBeGreaterThan(1)
    expect(new Set(reviewsCalls().map((r) => r.routeName))).toEqual(new Set(['default']))
  })
})
