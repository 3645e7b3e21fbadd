import { describe, expect, test } from 'vitest'
import { parseConfig } from '../control/parse/parse-config.ts'
import type { PeerAuthentication } from '../control/types.ts'
import { effectiveMtls, namespaceMtls } from './peer-authn.ts'

const pa = (name: string, ns: string, spec: string) => `---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: ${name}, namespace: ${ns}}
spec: ${spec}
`
const parse = (yaml: string) => parseConfig(yaml, 'pa.yaml').resources as PeerAuthentication[]
const RATINGS = { namespace: 'default', labels: { app: 'ratings', version: 'v1' } }

describe('PeerAuthentication composition', () => {
  test('no policy: PERMISSIVE', () => {
    expect(effectiveMtls([], RATINGS, 9080)).toBe('PERMISSIVE')
  })

  test('workload > namespace > mesh (istio-system); UNSET inherits', () => {
    const mesh = pa('default', 'istio-system', '{mtls: {mode: STRICT}}')
    const ns = pa('default', 'default', '{mtls: {mode: PERMISSIVE}}')
    const unset = pa('ratings', 'default', '{selector: {matchLabels: {app: ratings}}}')
    const workload = pa('ratings', 'default', '{selector: {matchLabels: {app: ratings}}, mtls: {mode: DISABLE}}')
    expect(effectiveMtls(parse(mesh), RATINGS, 9080)).toBe('STRICT')
    expect(effectiveMtls(parse(mesh + ns), RATINGS, 9080)).toBe('PERMISSIVE')
    expect(effectiveMtls(parse(mesh + unset), RATINGS, 9080)).toBe('STRICT')
    expect(effectiveMtls(parse(mesh + ns + workload), RATINGS, 9080)).toBe('DISABLE')
    expect(effectiveMtls(parse(mesh + workload), { namespace: 'default', labels: { app: 'details' } }, 9080)).toBe('STRICT')
  })

  test('portLevelMtls overrides the workload mode for that port only; UNSET inherits', () => {
    const ps = parse(pa('ratings', 'default', '{selector: {matchLabels: {app: ratings}}, mtls: {mode: STRICT}, portLevelMtls: {9080: {mode: PERMISSIVE}, 9090: {mode: UNSET}}}'))
    expect(effectiveMtls(ps, RATINGS, 9080)).toBe('PERMISSIVE')
    expect(effectiveMtls(ps, RATINGS, 9090)).toBe('STRICT')
    expect(effectiveMtls(ps, RATINGS, 8000)).toBe('STRICT')
  })

  test('within a scope the oldest (first applied) wins', () => {
    expect(effectiveMtls(parse(pa('a', 'default', '{mtls: {mode: STRICT}}') + pa('b', 'default', '{mtls: {mode: DISABLE}}')), RATINGS, 9080)).toBe('STRICT')
  })

  test('auto mTLS looks at namespace and mesh policies only', () => {
    const ps = parse(pa('ns', 'default', '{mtls: {mode: DISABLE}}') + pa('ratings', 'default', '{selector: {matchLabels: {app: ratings}}, mtls: {mode: STRICT}}'))
    expect(namespaceMtls(ps, 'default')).toBe('DISABLE')
    expect(effectiveMtls(ps, RATINGS, 9080)).toBe('STRICT')
  })
})
