import { describe, expect, test } from 'vitest'
import { analyzeFiles } from './analyze-files.ts'

const vs = (namespace: string, name: string, hosts: readonly string[], exportTo?: readonly string[]) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  hosts: [${hosts.map((h) => `"${h}"`).join(', ')}]
${exportTo === undefined ? '' : `  exportTo: [${exportTo.map((e) => `"${e}"`).join(', ')}]\n`}  http: [{route: [{destination: {host: productpage}}]}]
`
const conflicting = (...docs: string[]) =>
  analyzeFiles([{ text: docs.join('---\n'), file: 'vs.yaml' }]).filter((d) => d.code === 'IST0109').map((d) => `${d.namespace}/${d.name}`).sort()

describe('mesh VirtualServices for one host that see each other (IST0109), honouring exportTo', () => {
  test('exported to all, the same host conflicts; overlapping wildcards do not (as Istio)', () => {
    expect(conflicting(vs('foo', 'a', ['*.productpage']), vs('bar', 'b', ['*.productpage']))).toEqual(['bar/b', 'foo/a'])
    expect(conflicting(vs('foo', 'a', ['*.productpage.d']), vs('bar', 'b', ['*.d']))).toEqual([])
  })

  test('each exported to its own namespace, they never meet; one scope meets an overlapping host exported to all', () => {
    expect(conflicting(vs('foo', 'a', ['*.productpage.b'], ['foo']), vs('bar', 'b', ['*.productpage.b'], ['.']))).toEqual([])
    expect(conflicting(vs('foo', 'a', ['*.productpage.c'], ['foo']), vs('bar', 'b', ['*.productpage.c'], ['*']))).toEqual(['bar/b', 'foo/a'])
    expect(conflicting(vs('foo', 'a', ['*.productpage.d'], ['.']), vs('bar', 'b', ['*.d']))).toEqual(['bar/b', 'foo/a'])
    expect(conflicting(vs('team2', 'a', ['ratings.team1.svc.cluster.local', 'google.com'], ['.']), vs('bar', 'b', ['google.com']))).toEqual(['bar/b', 'team2/a'])
  })

  test('short names resolve in their own namespace: reviews in foo and in bar are different hosts', () => {
    expect(conflicting(vs('foo', 'a', ['reviews']), vs('bar', 'b', ['reviews']))).toEqual([])
    expect(conflicting(vs('foo', 'a', ['reviews']), vs('bar', 'b', ['reviews.foo.svc.cluster.local']))).toEqual(['bar/b', 'foo/a'])
  })
})
