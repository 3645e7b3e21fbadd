import { describe, expect, test } from 'vitest'
import { stringify } from 'yaml'
import { formatDiagnostic } from '../diagnostics.ts'
import type { Diagnostic } from '../types.ts'
import { parseConfig } from './parse-config.ts'

// Every case is the second document of file.yaml, after a valid DestinationRule, so sources are checked too.
const FIRST = stringify({
  apiVersion: 'networking.istio.io/v1',
  kind: 'DestinationRule',
  metadata: { name: 'reviews' },
  spec: { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }] },
})
const vs = (route: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'reviews' },
  spec: { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' } }], ...route }], ...extra },
})
const twoDestinations = (second: Record<string, unknown>) =>
  vs({ route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 50 }, { destination: { host: 'reviews', subset: 'v3' }, ...second }] })
const dr = (spec: Record<string, unknown>, metadata: Record<string, unknown> = { name: 'reviews' }) => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'DestinationRule',
  metadata,
  spec,
})

function errorsOf(doc: unknown): Diagnostic[] {
  const text = `${FIRST}---\n${typeof doc === 'string' ? doc : stringify(doc)}`
  const { diagnostics, resources } = parseConfig(text, 'file.yaml')
  const errors = diagnostics.filter((d) => d.level === 'Error')
  if (errors.length > 0) expect(resources.map((r) => r.meta.source?.document)).toEqual([1]) // the bad document yields nothing
  return errors
}

interface Case {
  readonly what: string
  readonly doc: unknown
  readonly code: string
  readonly field: string
  /** Text the message must contain (the received value, rendered as JSON, or the reason). */
  readonly says: string
}

const cases: Case[] = [
  { what: 'weight that is not a number', doc: twoDestinations({ weight: 'fifty' }), code: 'MD0101', field: 'spec.http[0].route[1].weight', says: 'got "fifty"' },
  { what: 'negative weight', doc: twoDestinations({ weight: -5 }), code: 'MD0101', field: 'spec.http[0].route[1].weight', says: 'got -5' },
  { what: 'all weights 0', doc: vs({ route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 0 }, { destination: { host: 'reviews', subset: 'v3' }, weight: 0 }] }), code: 'MD0117', field: 'spec.http[0].route', says: 'total weight is 0' },
  { what: 'timeout without unit', doc: vs({ timeout: '7' }), code: 'MD0112', field: 'spec.http[0].timeout', says: 'missing unit), got "7"' },
  { what: 'timeout as a bare YAML number', doc: vs({ timeout: 7 }), code: 'MD0112', field: 'spec.http[0].timeout', says: 'a bare number has no unit), got 7' },
  { what: 'fractional timeout without unit', doc: vs({ timeout: '1.5' }), code: 'MD0112', field: 'spec.http[0].timeout', says: 'got "1.5"' },
  { what: 'delay under 1 ms', doc: vs({ fault: { delay: { fixedDelay: '0.0001s', percentage: { value: 100 } } } }), code: 'MD0112', field: 'spec.http[0].fault.delay.fixedDelay', says: 'must be at least 1ms, got "0.0001s"' },
  { what: 'negative perTryTimeout', doc: vs({ retries: { attempts: 3, perTryTimeout: '-1s' } }), code: 'MD0112', field: 'spec.http[0].retries.perTryTimeout', says: 'must be at least 1ms, got "-1s"' },
  { what: 'sub-millisecond precision', doc: vs({ timeout: '1.5ms' }), code: 'MD0112', field: 'spec.http[0].timeout', says: 'whole number of milliseconds' },
  { what: 'unknown duration unit', doc: vs({ timeout: '5sec' }), code: 'MD0112', field: 'spec.http[0].timeout', says: 'unknown unit "sec"' },
  { what: 'percentage over 100', doc: vs({ fault: { abort: { httpStatus: 503, percentage: { value: 140 } } } }), code: 'MD0113', field: 'spec.http[0].fault.abort.percentage.value', says: 'got 140' },
  { what: 'deprecated percent over 100', doc: vs({ fault: { delay: { fixedDelay: '1s', percent: 101 } } }), code: 'MD0113', field: 'spec.http[0].fault.delay.percent', says: 'got 101' },
  { what: 'abort status 99', doc: vs({ fault: { abort: { httpStatus: 99, percentage: { value: 100 } } } }), code: 'MD0115', field: 'spec.http[0].fault.abort.httpStatus', says: 'from 200 to 599, got 99' },
  { what: 'abort status 601 (Istio allows up to 600)', doc: vs({ fault: { abort: { httpStatus: 601, percentage: { value: 100 } } } }), code: 'MD0115', field: 'spec.http[0].fault.abort.httpStatus', says: 'got 601' },
  { what: 'unknown gRPC status', doc: vs({ fault: { abort: { grpcStatus: 'BROKEN', percentage: { value: 100 } } } }), code: 'MD0115', field: 'spec.http[0].fault.abort.grpcStatus', says: 'got "BROKEN"' },
  { what: 'exponentialDelay', doc: vs({ fault: { delay: { exponentialDelay: '1s' } } }), code: 'MD0119', field: 'spec.http[0].fault.delay.exponentialDelay', says: 'not supported' },
  { what: 'fault with neither delay nor abort', doc: vs({ fault: {} }), code: 'MD0108', field: 'spec.http[0].fault', says: 'needs delay, abort, or both' },
  { what: 'bad regex', doc: vs({ match: [{ uri: { regex: '/api/(v1' } }] }), code: 'MD0114', field: 'spec.http[0].match[0].uri.regex', says: 'invalid regex "/api/(v1"' },
  { what: 'lookahead regex', doc: vs({ match: [{ headers: { 'end-user': { regex: '(?!jason).*' } } }] }), code: 'MD0114', field: 'spec.http[0].match[0].headers.end-user.regex', says: 'negative lookahead (?!...) is not supported by RE2' },
  { what: 'backreference regex', doc: vs({ match: [{ uri: { regex: '/(a)\\1' } }] }), code: 'MD0114', field: 'spec.http[0].match[0].uri.regex', says: 'backreference \\1' },
  { what: 'two match kinds in one StringMatch', doc: vs({ match: [{ uri: { exact: '/a', prefix: '/b' } }] }), code: 'MD0107', field: 'spec.http[0].match[0].uri', says: 'only one of exact, prefix or regex' },
  { what: 'empty header prefix', doc: vs({ match: [{ headers: { 'x-a': { prefix: '' } } }] }), code: 'MD0108', field: 'spec.http[0].match[0].headers.x-a.prefix', says: 'must not be empty' },
  { what: 'unknown retryOn condition', doc: vs({ retries: { attempts: 3, retryOn: '5xx,bogus' } }), code: 'MD0116', field: 'spec.http[0].retries.retryOn', says: '"bogus" is not a valid retryOn policy' },
  { what: 'spaces in retryOn', doc: vs({ retries: { attempts: 3, retryOn: '5xx, reset' } }), code: 'MD0116', field: 'spec.http[0].retries.retryOn', says: 'remove the spaces' },
  { what: 'retry settings with attempts 0', doc: vs({ retries: { retryOn: '5xx' } }), code: 'MD0107', field: 'spec.http[0].retries.attempts', says: 'disables retries' },
  { what: 'route and redirect together', doc: vs({ redirect: { uri: '/elsewhere' } }), code: 'MD0107', field: 'spec.http[0]', says: 'cannot have both route and redirect' },
  { what: 'no route, redirect or directResponse', doc: { ...vs({}), spec: { hosts: ['reviews'], http: [{ timeout: '1s' }] } }, code: 'MD0108', field: 'spec.http[0]', says: 'needs one of route, redirect or directResponse' },
  { what: 'redirect code that is not 3xx', doc: { ...vs({}), spec: { hosts: ['reviews'], http: [{ redirect: { uri: '/x', redirectCode: 200 } }] } }, code: 'MD0115', field: 'spec.http[0].redirect.redirectCode', says: 'got 200' },
  { what: 'unknown field, with a suggestion', doc: { ...vs({}), spec: { hosts: ['reviews'], http: [{ rout: [{ destination: { host: 'reviews' } }] }] } }, code: 'MD0103', field: 'spec.http[0].rout', says: 'did you mean "route"?' },
  { what: 'mesh VirtualService for every host', doc: { ...vs({}), spec: { ...vs({}).spec, hosts: ['*'] } }, code: 'MD0110', field: 'spec.hosts[0]', says: 'wildcard host * is not allowed' },
  { what: 'destination port out of range', doc: vs({ route: [{ destination: { host: 'reviews', port: { number: 70000 } } }] }), code: 'MD0111', field: 'spec.http[0].route[0].destination.port.number', says: 'got 70000' },
  { what: 'duplicate subset names', doc: dr({ host: 'ratings', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v1', labels: { version: 'v2' } }] }), code: 'MD0118', field: 'spec.subsets[1].name', says: 'duplicate subset names: v1' },
  { what: 'cookie attribute without a name', doc: dr({ host: 'ratings', trafficPolicy: { loadBalancer: { consistentHash: { httpCookie: { name: 'lb', ttl: '60s', attributes: [{ value: 'Strict' }] } } } } }), code: 'MD0108', field: 'spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.attributes[0].name', says: 'cookie attribute name cannot be empty' },
  { what: 'duplicate cookie attribute', doc: dr({ host: 'ratings', trafficPolicy: { loadBalancer: { consistentHash: { httpCookie: { name: 'lb', ttl: '60s', attributes: [{ name: 'Secure' }, { name: 'Secure' }] } } } } }), code: 'MD0118', field: 'spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.attributes[1].name', says: 'duplicate cookie attribute name: Secure' },
  { what: 'unknown load balancer', doc: dr({ host: 'ratings', trafficPolicy: { loadBalancer: { simple: 'FASTEST' } } }), code: 'MD0106', field: 'spec.trafficPolicy.loadBalancer.simple', says: 'got "FASTEST"' },
  { what: 'missing name', doc: dr({ host: 'ratings' }, {}), code: 'MD0005', field: 'metadata.name', says: 'is required' },
  { what: 'name with upper case', doc: dr({ host: 'ratings' }, { name: 'Ratings' }), code: 'MD0005', field: 'metadata.name', says: 'got "Ratings"' },
  { what: 'wrong apiVersion', doc: { ...dr({ host: 'ratings' }), apiVersion: 'networking.istio.io/v2' }, code: 'MD0004', field: 'apiVersion', says: 'got "networking.istio.io/v2"' },
  { what: 'Kubernetes Gateway API kind', doc: { ...dr({}), apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway' }, code: 'MD0003', field: 'kind', says: "only networking.istio.io's Gateway" },
  { what: 'a Kubernetes Deployment', doc: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: {} }, code: 'MD0003', field: 'kind', says: 'runs the Bookinfo workloads itself' },
  { what: 'a Gateway with a short host', doc: { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'gw' }, spec: { servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['bookinfo'] }] } }, code: 'MD0110', field: 'spec.servers[0].hosts[0]', says: 'short names are not allowed' },
  { what: 'a Gateway port without a name', doc: { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'gw' }, spec: { servers: [{ port: { number: 80, protocol: 'HTTP' }, hosts: ['*'] }] } }, code: 'MD0108', field: 'spec.servers[0].port.name', says: 'is required' },
]

describe('invalid config is reported with code, field, value and source', () => {
  test.each(cases)('$what → $code at $field', ({ doc, code, field, says }) => {
    const errors = errorsOf(doc)
    const hit = errors.find((e) => e.code === code && e.field === field)
    expect(hit, `got ${errors.map(formatDiagnostic).join('\n')}`).toBeDefined()
    expect(hit!.message).toContain(says)
    expect(hit!.source).toEqual({ file: 'file.yaml', document: 2 })
    const id = hit!.name === undefined ? hit!.kind : `${hit!.kind} ${hit!.name}.default`
    expect(formatDiagnostic(hit!)).toBe(`Error [${code}] (${id}) ${field}: ${hit!.message} (file.yaml, document 2)`)
  })

  test('the istioctl form, exactly', () => {
    const [error] = errorsOf(twoDestinations({ weight: 'fifty' }))
    expect(error!.value).toBe('fifty')
    expect(formatDiagnostic(error!)).toBe(
      'Error [MD0101] (VirtualService reviews.default) spec.http[0].route[1].weight: must be a non-negative integer, got "fifty" (file.yaml, document 2)',
    )
  })

  test('a YAML syntax error names the line and rejects only that document', () => {
    const { diagnostics, resources } = parseConfig(`${FIRST}---\nkind: VirtualService\nspec: [a, b\nmetadata: {}\n`, 'file.yaml')
    expect(resources).toHaveLength(1)
    expect(diagnostics).toHaveLength(1)
    expect(diagnostics[0]).toMatchObject({ level: 'Error', code: 'MD0001', source: { file: 'file.yaml', document: 2 } })
    expect(diagnostics[0]!.message).toMatch(/line \d+, column \d+/)
    expect(formatDiagnostic(diagnostics[0]!)).toMatch(/^Error \[MD0001\] YAML syntax error: .* \(file\.yaml, document 2\)$/)
  })

  test('every error of a document is reported, not just the first', () => {
    const errors = errorsOf(vs({ timeout: '7', fault: { abort: { httpStatus: 99, percentage: { value: 140 } } } }))
    expect(errors.map((e) => e.field).sort()).toEqual([
      'spec.http[0].fault.abort.httpStatus',
      'spec.http[0].fault.abort.percentage.value',
      'spec.http[0].timeout',
    ])
  })

  test('a document that is not a mapping', () => {
    const errors = errorsOf('- just\n- a list\n')
    expect(errors[0]).toMatchObject({ code: 'MD0002' })
  })
})
