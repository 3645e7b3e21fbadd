/**
 * The terminal hop: one undici Pool per upstream address, and the mapping from socket-level
 * failures to Envoy's failure kinds (connect failure → UF, connection terminated → UC).
 */
import { Pool } from 'undici'
import type { Clock } from '../clock.ts'
import type { MeshRequest, MeshResponse } from '../filter.ts'
import { UpstreamFailure } from '../upstream-failure.ts'

export interface PoolSettings {
  /** Envoy's connectTimeout; Istio's default is 10 s. */
  readonly connectTimeoutMs?: number
  /** 0 or undefined = unlimited; 1 disables keep-alive. */
  readonly maxRequestsPerConnection?: number
}

/** Opens an undici Pool to `127.0.0.1:port`; its idle sockets time out before the servers' keep-alive. */
export function openPool(address: string, settings: PoolSettings = {}): Pool {
  return new Pool(`http://${address}`, {
    connections: null,
    connectTimeout: settings.connectTimeoutMs ?? 10_000,
    // Timeouts are the route's business (VirtualService timeout / perTryTimeout), as in Envoy.
    headersTimeout: 0,
    bodyTimeout: 0,
    keepAliveTimeout: 4_000,
    maxRequestsPerClient: settings.maxRequestsPerConnection || undefined,
  })
}

/**
 * Sends `req` to the pool. The response body streams; failures become UpstreamFailure.
 * Adds `x-envoy-upstream-service-time` (ms until response headers), as Envoy's router does.
 */
export async function sendUpstream(pool: Pool, req: MeshRequest, clock: Clock): Promise<MeshResponse> {
  const started = clock.now()
  try {
    const res = await pool.request({
      method: req.method as 'GET',
      path: req.path,
      headers: req.headers as Record<string, string | string[]>,
      body: req.body,
      signal: req.signal,
    })
    const headers = res.headers as Record<string, string | string[] | undefined>
    headers['x-envoy-upstream-service-time'] = String(Math.round(clock.now() - started))
    return { status: res.statusCode, headers, body: res.body }
  } catch (err) {
    throw toUpstreamFailure(err, req.signal)
  }
}

function toUpstreamFailure(err: unknown, signal: AbortSignal): unknown {
  // An abort is the caller's or a timeout's decision: let the filter that aborted interpret it.
  if (signal.aborted) return signal.reason
  const code = (err as { code?: string }).code
  if (code === 'ECONNREFUSED' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'EHOSTUNREACH' || code === 'ENOTFOUND') {
    return new UpstreamFailure('connect-failure', undefined, { cause: err })
  }
  return new UpstreamFailure('reset', undefined, { cause: err })
}
