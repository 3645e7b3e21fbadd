/** A sidecar's route table over real sockets: apps are HTTP servers on 127.0.0.1, ephemeral ports. */
import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { systemClock } from '../clock.ts'
import { randomSource } from '../random.ts'
import { ServiceRegistry } from '../control/registry.ts'
import { ConfigStore } from '../control/config-store.ts'
import type { ConfigSnapshot } from '../control/types.ts'
import { EMPTY_CONFIG } from './config-feed.ts'
import { UpstreamFailure } from '../upstream-failure.ts'
import { bodyText, get } from '../../test/support/requests.ts'
import { ClusterManager } from './cluster-manager.ts'
import { compileRouteTable, routeName, routeRandoms, type ProxyIdentity } from './route-table.ts'

const SELF: ProxyIdentity = { kind: 'sidecar', workload: 'client-v1', namespace: 'default', labels: { app: 'client', version: 'v1' } }

describe('sidecar route table: default routes', () => {
  const servers: Server[] = []
  let registry: ServiceRegistry
  let clusters: ClusterManager

  /** An app that answers with its own name, registered as the endpoint `<name>-v1` of service `<name>`. */
  async function app(name: string): Promise<void> {
    const server = createServer((_req, res) => res.end(name))
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    servers.push(server)
    registry.addService(name, 9080)
    registry.upsertEndpoint({ workload: `${name}-v1`, service: name, labels: { app: name, version: 'v1' }, address: `127.0.0.1:${(server.address() as AddressInfo).port}`, ready: true })
  }

  const compile = (snapshot: ConfigSnapshot = EMPTY_CONFIG) =>
    compileRouteTable(snapshot, SELF, { clock: systemClock(), randoms: routeRandoms(randomSource(3), SELF.workload), registry, clusters })

  async function call(table: ReturnType<typeof compile>, authority: string): Promise<string> {
    const res = await table.route(get('/', {}, authority))
    expect(res.status).toBe(200)
    return bodyText(res.body)
  }

  beforeAll(async () => {
    registry = new ServiceRegistry()
    await app('details')
    await app('ratings')
  })
  afterEach(async () => clusters?.close())
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))))
  })

  test('a default route and its cluster are built on the first call to that service, not for every known service', async () => {
    clusters = new ClusterManager(SELF.workload, registry, { clock: systemClock(), random: randomSource(3) })
    const table = compile()
    expect(clusters.list()).toEqual([])
    expect(await call(table, 'details:9080')).toBe('details')
    expect(await call(table, 'details.default.svc.cluster.local:9080')).toBe('details')
    expect(clusters.list().map((c) => c.name)).toEqual(['outbound|9080||details.default.svc.cluster.local'])
    await expect(table.route(get('/', {}, 'unknown:9080'))).rejects.toMatchObject({ kind: 'no-route' } satisfies Partial<UpstreamFailure>)
  })

  test('a push keeps a default cluster that was used (with its counters) until a VirtualService claims the host', async () => {
    clusters = new ClusterManager(SELF.workload, registry, { clock: systemClock(), random: randomSource(3) })
    await call(compile(), 'ratings:9080')
    const [before] = clusters.list()
    expect(before!.counters.get('upstream_rq_total')).toBe(1)

    const store = new ConfigStore()
    store.applyText('apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: details}\nspec: {hosts: [details], http: [{route: [{destination: {host: details}}]}]}\n', 'vs-details.yaml')
    const pushed = compile(store.snapshot())
    expect(clusters.list()).toContain(before) // the same object: outlier state and counters survive
    expect(await call(pushed, 'ratings:9080')).toBe('ratings')
    expect(before!.counters.get('upstream_rq_total')).toBe(2)

    store.applyText('apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: ratings}\nspec: {hosts: [ratings], http: [{fault: {abort: {httpStatus: 418, percentage: {value: 100}}}, route: [{destination: {host: ratings}}]}]}\n', 'vs-ratings.yaml')
    const claimed = compile(store.snapshot())
    const res = await claimed.route(get('/', {}, 'ratings:9080'))
    expect(res.status).toBe(418) // the VirtualService's route, not the default one
  })

  test('a service registered after the push is routed without waiting for the next one', async () => {
    clusters = new ClusterManager(SELF.workload, registry, { clock: systemClock(), random: randomSource(3) })
    const table = compile()
    await app('reviews')
    expect(await call(table, 'reviews:9080')).toBe('reviews')
  })
})

describe('virtual host choice, as Envoy: exact, then the longest suffix wildcard, then *', () => {
  const registry = new ServiceRegistry()
  registry.addService('details', 9080)
  const vs = (name: string, hosts: string[], status: number, gateways = '') =>
    `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: ${name}}\nspec: {hosts: ${JSON.stringify(hosts)}, ${gateways}http: [{directResponse: {status: ${status}}}]}\n---\n`
  const table = (self: ProxyIdentity, yaml: string) => {
    const store = new ConfigStore({ knownServices: () => new Set(['details.default.svc.cluster.local']) })
    store.applyText(yaml, 'vs.yaml')
    const clusters = new ClusterManager(self.workload, registry, { clock: systemClock(), random: randomSource(3) })
    return compileRouteTable(store.snapshot(), self, { clock: systemClock(), randoms: routeRandoms(randomSource(3), self.workload), registry, clusters, listenerPort: 8080 })
  }
  const status = async (t: ReturnType<typeof table>, authority: string) => (await t.route(get('/', {}, authority))).status

  test('gateway: a *.test.local VirtualService beats an older *, an exact host beats both', async () => {
    const gateway: ProxyIdentity = { kind: 'gateway', workload: 'istio-ingressgateway', namespace: 'istio-system', labels: { istio: 'ingressgateway' } }
    const gw = 'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: gw}\nspec: {selector: {istio: ingressgateway}, servers: [{port: {number: 8080, name: http, protocol: HTTP}, hosts: ["*"]}]}\n---\n'
    const bound = 'gateways: [gw], '
    const t = table(gateway, gw + vs('all', ['*'], 201, bound) + vs('test-local', ['*.test.local'], 202, bound) + vs('deep', ['*.b.test.local'], 203, bound) + vs('one', ['a.test.local'], 204, bound))
    expect(await status(t, 'a.test.local')).toBe(204)
    expect(await status(t, 'x.test.local')).toBe(202)
    expect(await status(t, 'X.B.Test.Local:8080')).toBe(203)
    expect(await status(t, 'bookinfo.example.com')).toBe(201)
  })

  test('sidecar: the longest wildcard wins whatever the order, and covers a known service before its default route', async () => {
    const t = table(SELF, vs('wide', ['*.local'], 201) + vs('narrow', ['*.test.local'], 202) + vs('namespace', ['*.default.svc.cluster.local'], 203))
    expect(await status(t, 'x.test.local')).toBe(202)
    expect(await status(t, 'example.local')).toBe(201)
    expect(await status(t, 'details:9080')).toBe(203)
  })
})

describe('route names, as Istio builds them', () => {
  test('<route>.<match>, the route name alone, .<match>, or empty', () => {
    const route = (name?: string) => ({ name, match: [], route: [], mirrors: [] })
    const block = (name?: string) => ({ name, headers: [], withoutHeaders: [], queryParams: [] }) as unknown as Parameters<typeof routeName>[1]
    expect(routeName(route('r'), block('m'))).toBe('r.m')
    expect(routeName(route('r'), block())).toBe('r')
    expect(routeName(route(), block('m'))).toBe('.m')
    expect(routeName(route(), undefined)).toBe('')
  })
})

describe('delegation: proxies route by the merged routes', () => {
  const servers: Server[] = []
  const registry = new ServiceRegistry()
  let clusters: ClusterManager | undefined
  const app = async (name: string) => {
    const server = createServer((req, res) => res.end(`${name} ${req.url}`))
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    servers.push(server)
    registry.addService(name, 9080)
    registry.upsertEndpoint({ workload: `${name}-v1`, service: name, labels: { app: name, version: 'v1' }, address: `127.0.0.1:${(server.address() as AddressInfo).port}`, ready: true })
  }
  beforeAll(async () => {
    await app('details')
    await app('ratings')
  })
  afterEach(async () => clusters?.close())
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))))
  })

  const vs = (id: string, spec: string) => {
    const [name, namespace = 'default'] = id.split('.')
    return `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: ${name}, namespace: ${namespace}}\nspec: ${spec}\n---\n`
  }
  const table = (yaml: string) => {
    const store = new ConfigStore()
    store.applyText(yaml, 'vs.yaml')
    clusters = new ClusterManager(SELF.workload, registry, { clock: systemClock(), random: randomSource(3) })
    return compileRouteTable(store.snapshot(), SELF, { clock: systemClock(), randoms: routeRandoms(randomSource(3), SELF.workload), registry, clusters })
  }
  /** Routes GET `path` to details; the answer (or the failure kind) and the route name Envoy would log. */
  const call = async (t: ReturnType<typeof table>, path: string) => {
    const req = get(path, {}, 'details:9080')
    const answer = await t.route(req).then(async (res) => `${res.status} ${await bodyText(res.body)}`, (err: UpstreamFailure) => err.kind)
    return { answer, route: req.info.routeName }
  }

  test('the delegate\'s routes, under the root\'s match, with Istio\'s joined route names', async () => {
    const t = table(
      vs('details', '{hosts: [details], http: [{name: root, match: [{name: api, uri: {prefix: /details}}], delegate: {name: details-routes, namespace: team}}, {name: rest, route: [{destination: {host: ratings}}]}]}') +
        vs('details-routes.team', '{http: [{name: direct, match: [{uri: {exact: /details/teapot}}], directResponse: {status: 418}}, {name: app, route: [{destination: {host: details.default.svc.cluster.local}}]}]}'),
    )
    expect(await call(t, '/details/teapot')).toEqual({ answer: '418 ', route: 'root-direct.api' })
    expect(await call(t, '/details/0')).toEqual({ answer: '200 details /details/0', route: 'root-app.api' })
    expect(await call(t, '/other')).toEqual({ answer: '200 ratings /other', route: 'rest' })
  })

  test('a missing delegate: its route is skipped, later routes still match, and with none left the service keeps its default route', async () => {
    const root = vs('details', '{hosts: [details], http: [{match: [{uri: {prefix: /details}}], delegate: {name: missing}}, {match: [{uri: {prefix: /r}}], route: [{destination: {host: ratings}}]}]}')
    const t = table(root)
    expect(await call(t, '/details/0')).toEqual({ answer: 'no-route', route: '' }) // NR: the details host has the root's virtual host
    expect(await call(t, '/r')).toEqual({ answer: '200 ratings /r', route: '' })

    const only = table(vs('details', '{hosts: [details], http: [{delegate: {name: missing}}]}'))
    expect(await call(only, '/details/0')).toEqual({ answer: '200 details /details/0', route: 'default' })
  })

  test('a delegate VirtualService alone (no hosts) routes nothing', async () => {
    const t = table(vs('lonely', '{http: [{fault: {abort: {httpStatus: 500, percentage: {value: 100}}}, route: [{destination: {host: details}}]}]}'))
    expect(await call(t, '/details/0')).toEqual({ answer: '200 details /details/0', route: 'default' })
  })
})
