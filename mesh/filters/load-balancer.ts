/**
 * Host selection: ready endpoints of the cluster, minus hosts outlier detection ejected (unless the
 * healthy share falls under minHealthPercent: Envoy's panic mode), minus hosts earlier tries used
 * (retry-previous-hosts) when others remain. No host left → 503 `no healthy upstream` (UH).
 * A consistent-hash cookie with a ttl that the request lacks is generated, hashed on, and set on the
 * response (Envoy's addDownstreamSetCookie).
 */
import type { Filter, MeshRequest, MeshResponse } from '../filter.ts'
import type { Endpoint } from '../control/registry.ts'
import type { Algorithm } from '../sidecar/lb-algorithms.ts'
import type { OutlierDetector } from './outlier-detection.ts'
import type { GeneratedCookie } from '../sidecar/hash-key.ts'
import { UpstreamFailure } from '../upstream-failure.ts'

export interface BalancerDeps {
  /** The cluster's current ready endpoints (already filtered by subset labels). */
  readonly hosts: () => readonly Endpoint[]
  readonly algorithm: Algorithm
  readonly outlier?: OutlierDetector
  /** Active requests per host, for LEAST_REQUEST. */
  readonly active: Map<string, number>
  /** Consistent-hash key of a request, when the cluster hashes. */
  readonly hashKey?: (req: MeshRequest) => string | undefined
  /** `httpCookie` with a ttl: the cookie to hand out when `hashKey` finds none. */
  readonly hashCookie?: (req: MeshRequest) => GeneratedCookie
}

export function loadBalancer(deps: BalancerDeps): Filter {
  return (next) =>
    function loadBalancerFilter(req) {
      let key = deps.hashKey?.(req)
      const generated = key === undefined ? deps.hashCookie?.(req) : undefined
      if (generated) key = generated.value
      const host = choose(req, deps, key)
      if (!host) return Promise.reject(new UpstreamFailure('no-healthy-upstream'))
      const { info } = req
      info.upstreamHost = host.address
      info.attempts = req.attempt?.number ?? 1
      info.destinationWorkload = host.workload
      info.destinationVersion = host.labels.version ?? ''
      const address = host.address
      deps.active.set(address, (deps.active.get(address) ?? 0) + 1)
      const release = () => {
        deps.active.set(address, (deps.active.get(address) ?? 1) - 1)
      }
      // then() rather than async/await: one promise less on every request.
      let pending: Promise<MeshResponse>
      try {
        pending = next({ ...req, upstream: host })
      } catch (err) {
        release()
        return Promise.reject(err)
      }
      return pending.then(
        (res) => {
          release()
          return generated ? withSetCookie(res, generated.setCookie) : res
        },
        (err: unknown) => {
          release()
          throw err
        },
      )
    }
}

function choose(req: MeshRequest, deps: BalancerDeps, key: string | undefined): Endpoint | undefined {
  const all = deps.hosts()
  if (all.length === 0) return undefined
  let healthy = all
  const outlier = deps.outlier
  if (outlier && outlier.ejectedCount() > 0) {
    const left = all.filter((h) => !outlier.isEjected(h.address))
    const panic = (left.length / all.length) * 100 < outlier.minHealthPercent
    healthy = panic ? all : left
  }
  if (healthy.length === 0) return undefined
  const tried = req.attempt?.triedHosts
  // Consistent hashing drops the previous-host predicate, as Istio configures it.
  if (tried && tried.size > 0 && key === undefined) {
    const fresh = healthy.filter((h) => !tried.has(h.address))
    if (fresh.length > 0) healthy = fresh
  }
  return deps.algorithm.pick(healthy, key)
}

/** Adds a Set-Cookie after any the upstream sent. */
function withSetCookie(res: MeshResponse, cookie: string): MeshResponse {
  const had = res.headers['set-cookie']
  const setCookie = had === undefined ? cookie : [...(Array.isArray(had) ? had : [had]), cookie]
  return { ...res, headers: { ...res.headers, 'set-cookie': setCookie } }
}
