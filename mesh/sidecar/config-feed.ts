/** What a proxy needs from the control plane: the current config and a push when it changes (xDS). */
import type { ConfigSnapshot } from '../control/types.ts'

export interface ConfigFeed {
  snapshot(): ConfigSnapshot
  subscribe(listener: (snapshot: ConfigSnapshot) => void): () => void
}

export const EMPTY_CONFIG: ConfigSnapshot = Object.freeze({ version: 0, virtualServices: [], destinationRules: [], gateways: [], peerAuthentications: [], authorizationPolicies: [], localRateLimits: [] })

/** A feed that never changes, for proxies started without a control plane (benchmarks, tests). */
export const staticConfig = (snapshot: ConfigSnapshot = EMPTY_CONFIG): ConfigFeed => ({
  snapshot: () => snapshot,
  subscribe: () => () => {},
})
