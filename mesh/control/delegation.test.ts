import { describe, expect, test } from 'vitest'
import { matchConflict, mergeMatches, resolveDelegation, stringMatchConflict, effectiveVirtualServices } from './delegation.ts'
import { parseConfig } from './parse/parse-config.ts'
import type { HTTPMatchRequest, StringMatch, VirtualService } from './types.ts'

/** VirtualServices from flow-style specs: `name[.namespace]: spec`. */
function vss(docs: Record<string, string>): VirtualService[] {
  const yaml = Object.entries(docs)
    .map(([id, spec]) => {
      const [name, namespace = 'default'] = id.split('.')
      return `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: ${name}, namespace: ${namespace}}\nspec: ${spec}\n`
    })
    .join('---\n')
  const { resources, diagnostics } = parseConfig(yaml, 'vs.yaml')
  expect(diagnostics.filter((d) => d.level === 'Error')).toEqual([])
  return resources as VirtualService[]
}

const exact = (value: string): StringMatch => ({ kind: 'exact', value })
const prefix = (value: string): StringMatch => ({ kind: 'prefix', value })
const regex = (value: string): StringMatch => ({ kind: 'regex', value, regex: { source: value, matches: () => false } }) // never run here
const present: StringMatch = { kind: 'present' }
const match = (m: Partial<HTTPMatchRequest>): HTTPMatchRequest => ({ headers: [], withoutHeaders: [], queryParams: [], ignoreUriCase: false, ...m })

/** The merged root's routes, as `name: matches → destinations`. */
const routesOf = (vs: VirtualService | undefined) =>
  vs?.spec.http.map((r) => ({
    name: r.name,
    match: r.match.map((m) => ({
      ...(m.name ? { name: m.name } : {}),
      ...(m.uri ? { uri: `${m.uri.kind} ${'value' in m.uri ? m.uri.value : ''}`.trim() } : {}),
      ...(m.headers.length ? { headers: m.headers.map((h) => `${h.name} ${h.match.kind} ${'value' in h.match ? h.match.value : ''}`.trim()) } : {}),
      ...(m.queryParams.length ? { queryParams: m.queryParams.map((q) => `${q.name} ${q.match.kind} ${'value' in q.match ? q.match.value : ''}`.trim()) } : {}),
      ...(m.port ? { port: m.port } : {}),
    })),
    to: r.route.map((d) => `${d.destination.host}${d.destination.subset ? `/${d.destination.subset}` : ''}`),
  }))

describe('stringMatchConflict: the delegate must narrow the root (Istio\'s stringMatchConflict)', () => {
  test.each<[string, StringMatch | undefined, StringMatch | undefined, boolean]>([
    ['root unset', undefined, exact('/a'), false],
    ['delegate unset', prefix('/a'), undefined, false],
    ['the same exact', exact('/a'), exact('/a'), false],
    ['another exact', exact('/a'), exact('/b'), true],
    ['a prefix under an exact', exact('/a'), prefix('/a'), true],
    ['a longer prefix', prefix('/a'), prefix('/a/b'), false],
    ['the same prefix', prefix('/a'), prefix('/a'), false],
    ['a shorter prefix', prefix('/a/b'), prefix('/a'), true],
    ['an exact under the prefix', prefix('/productpage'), exact('/productpage/v1'), false],
    ['an exact outside the prefix', prefix('/productpage'), exact('/reviews'), true],
    ['a regex in the delegate', prefix('/a'), regex('/a.*'), true],
    ['a regex in the root', regex('/a.*'), prefix('/a'), true],
    ['regex on both sides', regex('/a.*'), regex('/a.*'), true],
    ['presence under a prefix', prefix('/a'), present, true],
    ['an exact under presence', present, exact('v1'), true],
    ['an empty root prefix', prefix(''), prefix('/a'), true],
  ])('%s → conflict %s', (_what, root, leaf, conflict) => {
    expect(stringMatchConflict(root, leaf)).toBe(conflict)
  })
})

describe('matchConflict: the rest of Istio\'s hasConflict', () => {
  test.each<[string, Partial<HTTPMatchRequest>, Partial<HTTPMatchRequest>, boolean]>([
    ['headers of other names', { headers: [{ name: 'a', match: exact('1') }] }, { headers: [{ name: 'b', match: exact('2') }] }, false],
    ['the same header, another value', { headers: [{ name: 'a', match: exact('1') }] }, { headers: [{ name: 'a', match: exact('2') }] }, true],
    ['a header prefix narrowed', { headers: [{ name: 'a', match: prefix('ja') }] }, { headers: [{ name: 'a', match: exact('jason') }] }, false],
    ['withoutHeaders that differ', { withoutHeaders: [{ name: 'a', match: exact('1') }] }, { withoutHeaders: [{ name: 'a', match: exact('2') }] }, true],
    ['queryParams that differ', { queryParams: [{ name: 'q', match: exact('1') }] }, { queryParams: [{ name: 'q', match: exact('2') }] }, true],
    ['ignoreUriCase on one side', { ignoreUriCase: true }, {}, true],
    ['another port', { port: 8080 }, { port: 9090 }, true],
    ['a port on one side', { port: 8080 }, {}, false],
    ['a root sourceNamespace the delegate leaves out', { sourceNamespace: 'a' }, {}, true],
    ['a delegate sourceNamespace only', {}, { sourceNamespace: 'a' }, false],
    ['a source label with another value', { sourceLabels: { app: 'a' } }, { sourceLabels: { app: 'b' } }, true],
    ['more source labels in the delegate', { sourceLabels: { app: 'a' } }, { sourceLabels: { app: 'a', version: 'v1' } }, false],
    ['delegate gateways within the root\'s', { gateways: ['default/a', 'default/b'] }, { gateways: ['default/b'] }, false],
    ['more delegate gateways than the root\'s', { gateways: ['default/a'] }, { gateways: ['default/a', 'default/b'] }, true],
    ['a delegate gateway the root lacks', { gateways: ['default/a'] }, { gateways: ['default/c'] }, true],
  ])('%s → conflict %s', (_what, root, leaf, conflict) => {
    expect(matchConflict(match(root), match(leaf))).toBe(conflict)
  })
})

describe('mergeMatches (Istio\'s mergeHTTPMatchRequests)', () => {
  test('each delegate match is ANDed with every root match it fits, delegate-major', () => {
    const root = [match({ headers: [{ name: 'header1', match: regex('regex') }] }), match({ headers: [{ name: 'header2', match: exact('exact') }] })]
    const merged = mergeMatches(root, [match({ uri: prefix('/') })])
    expect(merged?.map((m) => [m.uri, m.headers.map((h) => h.name)])).toEqual([[prefix('/'), ['header1']], [prefix('/'), ['header2']]])
  })

  test('one delegate match that fits no root match drops the whole delegate route', () => {
    const root = [match({ uri: prefix('/productpage') })]
    expect(mergeMatches(root, [match({ uri: prefix('/productpage/v1') }), match({ uri: prefix('/reviews') })])).toBeUndefined()
  })

  test('an empty side takes the other side as it is', () => {
    const root = [match({ uri: prefix('/a') })]
    expect(mergeMatches(root, [])).toBe(root)
    expect(mergeMatches([], root)).toBe(root)
  })

  test('the delegate\'s value wins for a header both set; names join with "-"', () => {
    const [m] = mergeMatches(
      [match({ name: 'r', headers: [{ name: 'end-user', match: prefix('ja') }, { name: 'x', match: exact('1') }], port: 8080 })],
      [match({ name: 'd', headers: [{ name: 'end-user', match: exact('jason') }] })],
    )!
    expect(m).toMatchObject({ name: 'r-d', port: 8080, headers: [{ name: 'x', match: exact('1') }, { name: 'end-user', match: exact('jason') }] })
  })
})

describe('resolveDelegation: delegates merged into their roots', () => {
  test('Istio\'s example: a catch-all root lends its timeout and headers to every delegate route', () => {
    const config = vss({
      root: '{hosts: [productpage], http: [{timeout: 10s, headers: {request: {add: {istio: test}, remove: [trace-id]}}, delegate: {name: delegate}}]}',
      delegate: `{http: [
        {match: [{uri: {prefix: /productpage/v1}, headers: {version: {exact: v1}}}], route: [{destination: {host: productpage, subset: v1}}]},
        {match: [{uri: {prefix: /productpage/v2}, headers: {version: {exact: v2}}}, {headers: {version: {exact: v2}}, queryParams: {version: {exact: v2}}}], route: [{destination: {host: productpage, subset: v2}}]}]}`,
    })
    const [root, ...rest] = effectiveVirtualServices(config)
    expect(rest).toEqual([]) // the delegate is nobody's VirtualService
    expect(routesOf(root)).toEqual([
      { name: undefined, match: [{ uri: 'prefix /productpage/v1', headers: ['version exact v1'] }], to: ['productpage.default.svc.cluster.local/v1'] },
      {
        name: undefined,
        match: [{ uri: 'prefix /productpage/v2', headers: ['version exact v2'] }, { headers: ['version exact v2'], queryParams: ['version exact v2'] }],
        to: ['productpage.default.svc.cluster.local/v2'],
      },
    ])
    for (const r of root!.spec.http) {
      expect(r).toMatchObject({ timeoutMs: 10_000, headers: { request: { add: { istio: 'test' }, remove: ['trace-id'] } }, delegatedFrom: { name: 'delegate', namespace: 'default' } })
    }
  })

  test('Istio\'s example: the root\'s match and port go into every delegate match, a catch-all delegate route included', () => {
    const [root] = effectiveVirtualServices(vss({
      root: '{hosts: [productpage], http: [{match: [{uri: {prefix: /productpage}, port: 8080}], delegate: {name: delegate}}]}',
      delegate: `{http: [
        {match: [{uri: {prefix: /productpage/v1}, headers: {version: {exact: v1}}}], route: [{destination: {host: productpage, subset: v1}}]},
        {match: [{uri: {prefix: /productpage/v2}, headers: {version: {exact: v2}}}, {headers: {version: {exact: v2}}, queryParams: {version: {exact: v2}}}], route: [{destination: {host: productpage, subset: v2}}]},
        {route: [{destination: {host: productpage, subset: v3}}]}]}`,
    }))
    expect(routesOf(root)!.map((r) => r.match)).toEqual([
      [{ uri: 'prefix /productpage/v1', headers: ['version exact v1'], port: 8080 }],
      [{ uri: 'prefix /productpage/v2', headers: ['version exact v2'], port: 8080 }, { uri: 'prefix /productpage', headers: ['version exact v2'], queryParams: ['version exact v2'], port: 8080 }],
      [{ uri: 'prefix /productpage', port: 8080 }],
    ])
  })

  test('at the position of the delegating route, between the root\'s own routes', () => {
    const [root] = effectiveVirtualServices(vss({
      root: '{hosts: [reviews], http: [{match: [{uri: {exact: /a}}], route: [{destination: {host: a}}]}, {match: [{uri: {prefix: /d}}], delegate: {name: d}}, {route: [{destination: {host: z}}]}]}',
      d: '{http: [{match: [{uri: {prefix: /d/1}}], route: [{destination: {host: d1}}]}, {route: [{destination: {host: d2}}]}]}',
    }))
    expect(routesOf(root)!.map((r) => r.to[0])).toEqual(['a', 'd1.default.svc.cluster.local', 'd2.default.svc.cluster.local', 'z'])
  })

  test('a delegate route whose match the root\'s cannot contain is dropped, and reported', () => {
    const { virtualServices: [root], issues } = resolveDelegation(vss({
      root: '{hosts: [reviews], http: [{match: [{uri: {prefix: /reviews}}], delegate: {name: d}}]}',
      d: '{http: [{match: [{uri: {prefix: /ratings}}], route: [{destination: {host: ratings}}]}, {match: [{uri: {exact: /reviews/0}}], route: [{destination: {host: reviews}}]}]}',
    }))
    expect(routesOf(root)).toEqual([{ name: undefined, match: [{ uri: 'exact /reviews/0' }], to: ['reviews.default.svc.cluster.local'] }])
    expect(issues).toEqual([{ kind: 'match-conflict', root: { name: 'root', namespace: 'default' }, route: 0, delegate: { name: 'd', namespace: 'default' }, delegateRoute: 0 }])
  })

  test('route and match names join with "-", as Istio names merged routes', () => {
    const [root] = effectiveVirtualServices(vss({
      root: '{hosts: [reviews], http: [{name: root, match: [{name: rm, uri: {prefix: /}}], delegate: {name: d}}, {name: other, delegate: {name: d2}}]}',
      d: '{http: [{name: jason, match: [{name: dm, headers: {end-user: {exact: jason}}}], route: [{destination: {host: reviews}}]}, {route: [{destination: {host: reviews}}]}]}',
      d2: '{http: [{name: only, route: [{destination: {host: reviews}}]}]}',
    }))
    expect(root!.spec.http.map((r) => [r.name, r.match.map((m) => m.name)])).toEqual([['root-jason', ['rm-dm']], ['root', ['rm']], ['other-only', []]])
  })

  test('a missing delegate, a delegate with hosts, or one not exported to the root skips only that route', () => {
    const { virtualServices, issues } = resolveDelegation(vss({
      'root.front': '{hosts: [reviews], http: [{delegate: {name: missing}}, {delegate: {name: has-hosts}}, {delegate: {name: private, namespace: team}}, {delegate: {name: shared, namespace: team}}, {route: [{destination: {host: reviews}}]}]}',
      'has-hosts.front': '{hosts: [ratings], http: [{route: [{destination: {host: ratings}}]}]}',
      'private.team': '{exportTo: ["."], http: [{route: [{destination: {host: private}}]}]}',
      'shared.team': '{exportTo: [front], http: [{match: [{uri: {prefix: /s}}], route: [{destination: {host: shared}}]}]}',
    }))
    expect(virtualServices.map((v) => v.meta.name)).toEqual(['root', 'has-hosts'])
    expect(routesOf(virtualServices[0])!.map((r) => r.to[0])).toEqual(['shared.team.svc.cluster.local', 'reviews'])
    expect(issues.map((i) => `${i.kind} ${i.delegate.namespace}/${i.delegate.name} (route ${i.route})`)).toEqual([
      'not-found front/missing (route 0)',
      'not-found front/has-hosts (route 1)',
      'not-exported team/private (route 2)',
    ])
  })

  test('the delegate\'s names resolve in its own namespace: destination hosts, mirrors, match gateways', () => {
    const [root] = effectiveVirtualServices(vss({
      'root.istio-system': '{hosts: ["*"], gateways: [bookinfo-gateway], http: [{match: [{uri: {prefix: /productpage}, gateways: [bookinfo-gateway]}], delegate: {name: productpage, namespace: bookinfo}}]}',
      'productpage.bookinfo': '{http: [{match: [{gateways: [bookinfo/gw]}], route: [{destination: {host: productpage}}], mirror: {host: shadow}}, {route: [{destination: {host: productpage.other.svc.cluster.local}}]}]}',
    }))
    const [first, second] = root!.spec.http
    // The delegate's gateway is not among the root match's: that route conflicts and is dropped.
    expect(first!.route[0]!.destination.host).toBe('productpage.other.svc.cluster.local')
    expect(second).toBeUndefined()
    expect(first!.match[0]!.gateways).toEqual(['istio-system/bookinfo-gateway'])

    const [viaMirror] = effectiveVirtualServices(vss({
      'root.istio-system': '{hosts: ["*"], gateways: [bookinfo-gateway], http: [{delegate: {name: productpage, namespace: bookinfo}}]}',
      'productpage.bookinfo': '{http: [{match: [{uri: {prefix: /}, gateways: [gw]}], route: [{destination: {host: productpage}}], mirror: {host: shadow}}]}',
    }))
    const route = viaMirror!.spec.http[0]!
    expect(route.route[0]!.destination.host).toBe('productpage.bookinfo.svc.cluster.local')
    expect(route.mirrors[0]!.destination.host).toBe('shadow.bookinfo.svc.cluster.local')
    expect(route.match[0]!.gateways).toEqual(['bookinfo/gw'])
  })

  test('what the delegate route leaves unset comes from the root route, directResponse included', () => {
    const [root] = effectiveVirtualServices(vss({
      root: '{hosts: [reviews], http: [{delegate: {name: d}, fault: {abort: {httpStatus: 500, percentage: {value: 100}}}, retries: {attempts: 5}, directResponse: {status: 418}, mirror: {host: m}}]}',
      d: '{http: [{match: [{uri: {exact: /own}}], retries: {attempts: 1}, route: [{destination: {host: reviews}}], mirrors: [{destination: {host: own-mirror}}]}, {route: [{destination: {host: reviews}}]}]}',
    }))
    const [own, inherited] = root!.spec.http
    expect(own).toMatchObject({ retries: { attempts: 1 }, fault: { abort: { httpStatus: 500 } }, directResponse: { status: 418 } })
    expect(own!.mirrors.map((m) => m.destination.host)).toEqual(['own-mirror.default.svc.cluster.local'])
    expect(inherited).toMatchObject({ retries: { attempts: 5 }, directResponse: { status: 418 } })
    expect(inherited!.mirrors.map((m) => m.destination.host)).toEqual(['m'])
  })

  test('VirtualServices that do not delegate come back as the same objects, and the result is frozen', () => {
    const config = vss({ plain: '{hosts: [reviews], http: [{route: [{destination: {host: reviews}}]}]}', root: '{hosts: [ratings], http: [{delegate: {name: d}}]}', d: '{http: [{route: [{destination: {host: ratings}}]}]}' })
    const [plain, root] = effectiveVirtualServices(config)
    expect(plain).toBe(config[0])
    expect(Object.isFrozen(root!.spec.http[0])).toBe(true)
    expect(Object.isFrozen(root!.spec.http)).toBe(true)
    expect(config[1]!.spec.http[0]!.delegate).toEqual({ name: 'd' }) // the stored root is untouched
  })
})
