import { describe, expect, test } from 'vitest'
import { ManualClock } from '../clock.ts'
import { compose } from '../filter.ts'
import { parseConfig } from '../control/parse/parse-config.ts'
import type { AuthorizationPolicy, ConfigSnapshot, IstioResource, LocalRateLimit } from '../control/types.ts'
import { EMPTY_CONFIG } from './config-feed.ts'
import { get, stubUpstream } from '../../test/support/requests.ts'
import { InboundPolicy } from './inbound-policy.ts'

const RATINGS = { namespace: 'default', labels: { app: 'ratings' }, port: 9080 }

/** Parsed resources with `raw` taken away: the inbound filters must work from the typed spec alone. */
function parsed(yaml: string): IstioResource[] {
  const { resources, diagnostics } = parseConfig(yaml, 'policy.yaml')
  expect(diagnostics.filter((d) => d.level === 'Error')).toEqual([])
  return resources.map((r) => ({ ...r, raw: undefined }) as IstioResource)
}

const snapshot = (resources: IstioResource[]): ConfigSnapshot => ({
  ...EMPTY_CONFIG,
  authorizationPolicies: resources.filter((r): r is AuthorizationPolicy => r.kind === 'AuthorizationPolicy'),
  localRateLimits: resources.filter((r): r is LocalRateLimit => r.kind === 'LocalRateLimit'),
})

const limit = (match: string) => `apiVersion: meshdojo.dev/v1alpha1
kind: LocalRateLimit
metadata: {name: ratings-limit}
spec:
  selector: {matchLabels: {app: ratings}}
  routes:
  - match: [{uri: {prefix: ${match}}}]
    tokenBucket: {maxTokens: 2, fillInterval: 1h}
`

async function statuses(policy: InboundPolicy, resources: IstioResource[], n: number, path = '/ratings/0'): Promise<number[]> {
  const handler = compose(policy.compile(snapshot(resources)), stubUpstream(200).handler)
  const out: number[] = []
  for (let i = 0; i < n; i++) out.push((await handler(get(path))).status)
  return out
}

describe('inbound policy filters, from the typed spec only', () => {
  test('a route bucket keeps its tokens across a push of the same route, and restarts when the route changes', async () => {
    const policy = new InboundPolicy(RATINGS, new ManualClock())
    expect(await statuses(policy, parsed(limit('/ratings')), 1)).toEqual([200])
    // the same YAML, parsed again (new objects, written in another key order): the same bucket
    expect(await statuses(policy, parsed(limit('/ratings').replace('{maxTokens: 2, fillInterval: 1h}', '{fillInterval: 1h, maxTokens: 2}')), 2)).toEqual([200, 429])
    // another match: a new, full bucket
    expect(await statuses(policy, parsed(limit('/rat')), 3)).toEqual([200, 200, 429])
  })

  test('a dry-run policy is evaluated from spec.dryRun, never enforced', async () => {
    const deny = (dryRun: string) => `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-all, annotations: {istio.io/dry-run: "${dryRun}"}}
spec: {selector: {matchLabels: {app: ratings}}, action: DENY, rules: [{}]}
`
    const policy = new InboundPolicy(RATINGS, new ManualClock())
    expect(await statuses(policy, parsed(deny('true')), 1)).toEqual([200])
    expect(await statuses(policy, parsed(deny('false')), 1)).toEqual([403])
  })
})
