/**
 * The terminal hop: one connection pool per upstream address, and the mapping from socket-level
 * failures to Envoy's failure kinds (connect failure → UF, connection terminated → UC).
 */
import { buildConnector } from 'undici'
import { ConnectionPool } from './connection-pool.ts'
import type { Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import type { PeerCertificate } from 'node:tls'
import type { Clock } from '../clock.ts'
import type { Cancel, MeshRequest, MeshResponse } from '../filter.ts'
import { UpstreamFailure } from '../upstream-failure.ts'
import { exchange } from './upstream-exchange.ts'

export interface PoolSettings {
  /** Envoy's connectTimeout; Istio's default is 10 s. */
  readonly connectTimeoutMs?: number
  /** 0 or undefined = unlimited; 1 disables keep-alive. */
  readonly maxRequestsPerConnection?: number
}

/** mTLS to one upstream endpoint: this workload's certificate, and the identity the server must prove. */
export interface UpstreamTls {
  readonly identity: {
    /** Changes when the certificate rotates: new connections then present the new one. */
    readonly version: number
    clientOptions(): { key: string; cert: string; ca: string; minVersion: 'TLSv1.3' }
  }
  /** The server certificate's URI SAN must be exactly this SPIFFE id. */
  readonly expectedPrincipal: string
  /** Istio's SNI, `outbound_.9080_.v1_.reviews.default.svc.cluster.local`. */
  readonly sni: string
}

/** Marks errors raised before a TLS connection was up: Envoy reports them as connect failures (UF). */
const HANDSHAKE_FAILED = Symbol('meshdojo.tlsHandshakeFailed')

/**
 * Opens a pool to `127.0.0.1:port`; its idle sockets time out before the servers' keep-alive.
 * With `tls`, connections are TLS 1.3 with this workload's client certificate (connections are kept
 * alive, so the handshake is paid once per connection, not per request).
 */
export function openPool(address: string, settings: PoolSettings = {}, tls?: UpstreamTls): ConnectionPool {
  return new ConnectionPool(`${tls ? 'https' : 'http'}://${address}`, {
    ...(tls ? { connect: mtlsConnector(tls, settings.connectTimeoutMs ?? 10_000) } : {}),
    connectTimeout: settings.connectTimeoutMs ?? 10_000,
    // Timeouts are the route's business (VirtualService timeout / perTryTimeout), as in Envoy.
    headersTimeout: 0,
    bodyTimeout: 0,
    keepAliveTimeout: 4_000,
  }, settings.maxRequestsPerConnection ?? 0)
}

/**
 * A pool whose connections are in-process pipes from `connect` (a pod's loopback: the inbound sidecar
 * to its app). `connect` throws ECONNREFUSED when nothing is there (a killed app): a connect failure.
 */
export function openInProcessPool(connect: () => Duplex): ConnectionPool {
  return new ConnectionPool('http://in-process', {
    connect: inProcessConnector(connect),
    headersTimeout: 0,
    bodyTimeout: 0,
    keepAliveTimeout: 4_000,
  })
}

/**
 * An undici connector that opens in-process connections; a throw from `connect` fails the connect.
 * The callback comes on a later tick, as from a real connect: undici's client is not re-entrant there.
 */
export function inProcessConnector(connect: () => Duplex): buildConnector.connector {
  return function connectInProcess(_options, callback) {
    process.nextTick(() => {
      let socket: Duplex
      try {
        socket = connect()
      } catch (err) {
        callback(err as Error, null)
        return
      }
      callback(null, socket as unknown as Socket)
    })
  }
}

/**
 * Sends `req` to the pool. The response body streams; failures become UpstreamFailure.
 * Adds `x-envoy-upstream-service-time` (ms until response headers), as Envoy's router does.
 */
export function sendUpstream(pool: ConnectionPool, req: MeshRequest, clock: Clock, peerPrincipal = ''): Promise<MeshResponse> {
  const started = clock.now()
  req.info.upstreamPeerPrincipal = peerPrincipal
  // catch() rather than an async function: one promise less on every hop.
  return exchange(pool, req, (headers) => {
    // Whole ms truncated, as Envoy's router and as %DURATION%: a hop inside the request can then
    // never log a longer service time than the request's own duration.
    headers['x-envoy-upstream-service-time'] = String(Math.floor(clock.now() - started))
  }).catch((err: unknown) => {
    if ((err as { [HANDSHAKE_FAILED]?: boolean })?.[HANDSHAKE_FAILED]) {
      req.info.upstreamPeerPrincipal = ''
      const code = (err as { code?: string }).code ?? ''
      if (!['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH'].includes(code)) req.info.upstreamTransportFailureReason = `TLS_error:${code}:${(err as Error).message}`
      if (!req.cancel.aborted) throw new UpstreamFailure('connect-failure', undefined, { cause: err })
    }
    throw toUpstreamFailure(err, req.cancel)
  })
}

/**
 * undici's TLS connector, rebuilt when the workload certificate rotates, that checks the server's
 * SPIFFE id (its URI SAN) instead of a DNS name.
 */
function mtlsConnector(tls: UpstreamTls, timeoutMs: number): buildConnector.connector {
  let built: { version: number; connect: buildConnector.connector } | undefined
  const checkServerIdentity = (_host: string, cert: PeerCertificate): Error | undefined => {
    const sans = (cert.subjectaltname ?? '').split(', ')
    if (sans.includes(`URI:${tls.expectedPrincipal}`)) return undefined
    return Object.assign(new Error(`server certificate SANs [${sans.join(' ')}] do not include ${tls.expectedPrincipal}`), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' })
  }
  return function mtlsConnect(opts, callback) {
    if (built?.version !== tls.identity.version) {
      built = {
        version: tls.identity.version,
        connect: buildConnector({
          ...tls.identity.clientOptions(),
          servername: tls.sni,
          checkServerIdentity,
          rejectUnauthorized: true,
          timeout: timeoutMs,
          ALPNProtocols: ['http/1.1'],
          // No session resumption: a resumed session would skip checking the peer's current certificate
          // (and the inbound side issues no tickets). Connections are kept alive instead, so a handshake
          // is paid once per connection.
          maxCachedSessions: 0,
        }),
      }
    }
    return built.connect({ ...opts, servername: tls.sni }, (err, socket) => {
      if (err) Object.assign(err, { [HANDSHAKE_FAILED]: true })
      ;(callback as (e: Error | null, s: typeof socket) => void)(err, socket)
    })
  }
}

function toUpstreamFailure(err: unknown, cancel: Cancel): unknown {
  // An abort is the caller's or a timeout's decision: let the filter that aborted interpret it.
  if (cancel.aborted) return cancel.reason
  const code = (err as { code?: string }).code
  if (code === 'ECONNREFUSED' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'EHOSTUNREACH' || code === 'ENOTFOUND') {
    return new UpstreamFailure('connect-failure', undefined, { cause: err })
  }
  return new UpstreamFailure('reset', undefined, { cause: err })
}
