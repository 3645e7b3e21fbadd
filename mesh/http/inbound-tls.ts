/**
 * The inbound side's transport: Envoy's TLS inspector and its two filter chains. Each new connection's
 * first byte tells TLS (0x16, a handshake record) from plain text; PeerAuthentication decides which
 * are accepted. A TLS client must present a certificate that chains to the mesh root, as Envoy's
 * validation context requires: the caller's principal is read only from such a verified chain.
 *
 * The handshake runs in a `tls.Server`, because Node verifies the peer's chain only for sockets a
 * server made (a bare `new TLSSocket({ isServer: true })` never sets `authorized`); the server is
 * fed connections, it never listens itself.
 */
import type { Socket } from 'node:net'
import tls, { type SecureContextOptions, type TLSSocket } from 'node:tls'
import type { ListenerStats } from './listener-stats.ts'

/** The inbound side's TLS settings, asked for every new connection (policies and certificates change). */
export interface InboundTls {
  /** STRICT: TLS only (plain text is reset); PERMISSIVE: both, told apart by the first byte; DISABLE: plain only. */
  mode(): 'STRICT' | 'PERMISSIVE' | 'DISABLE'
  /** The workload certificate and the mesh root client certificates must chain to; `version` changes on rotation. */
  credentials(): { readonly version: number; readonly options: SecureContextOptions }
}

/** What one mTLS connection proved about its peer, kept on the socket for all its requests. */
export interface PeerInfo {
  /** The SPIFFE id in the verified client certificate's URI SAN ('' if it has none). */
  readonly principal: string
  readonly sni: string
}

const PEER = Symbol('meshdojo.peer')
type PeerSocket = Socket & { [PEER]?: PeerInfo }

/** The peer a connection proved, or undefined for plain text. */
export const peerOf = (socket: Socket): PeerInfo | undefined => (socket as PeerSocket)[PEER]

/** A connection that sends nothing (or never finishes its handshake) is closed after this long. */
const FIRST_BYTES_TIMEOUT_MS = 15_000

/** Hands accepted connections (TLS terminated, or plain) to `deliver`; counts what it refuses. */
export function tlsInspector(inbound: InboundTls, stats: ListenerStats, deliver: (socket: Socket) => void): (socket: Socket) => void {
  let installed = -1
  // rejectUnauthorized is checked below rather than by Node, so a refusal is counted as Envoy counts it.
  const server = tls.createServer({ requestCert: true, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'], handshakeTimeout: FIRST_BYTES_TIMEOUT_MS })
  server.on('secureConnection', (secure: TLSSocket) => {
    if (!secure.authorized) {
      // A certificate from another CA (or none): refused before any request is read, whatever its SAN says.
      const noCert = Object.keys(secure.getPeerCertificate()).length === 0
      stats.add(noCert ? 'ssl.fail_verify_no_cert' : 'ssl.fail_verify_error')
      stats.add('ssl.connection_error')
      secure.destroy()
      return
    }
    stats.add('ssl.handshake')
    const raw = secure as TLSSocket & { servername?: string | false }
    const principal = (secure.getPeerX509Certificate()?.subjectAltName ?? '').split(', ').find((san) => san.startsWith('URI:spiffe://'))?.slice(4) ?? ''
    ;(secure as PeerSocket)[PEER] = { principal, sni: typeof raw.servername === 'string' ? raw.servername : '' }
    deliver(secure)
  })
  server.on('tlsClientError', (_err, socket) => {
    stats.add('ssl.connection_error')
    socket.destroy()
  })
  return function inspect(socket) {
    const mode = inbound.mode()
    if (mode === 'DISABLE') {
      // A TLS client gets an HTTP parse error and a closed connection, as from Envoy without TLS.
      deliver(socket)
      return
    }
    socket.setTimeout(FIRST_BYTES_TIMEOUT_MS, () => socket.destroy())
    socket.once('data', (first: Buffer) => {
      socket.pause()
      socket.unshift(first)
      if (first[0] !== 0x16) {
        if (mode === 'STRICT') {
          // Envoy has no filter chain for plain text under STRICT: the connection is reset.
          stats.add('no_filter_chain_match')
          socket.resetAndDestroy()
          return
        }
        socket.setTimeout(0)
        deliver(socket)
        socket.resume()
        return
      }
      const credentials = inbound.credentials()
      if (credentials.version !== installed) {
        server.setSecureContext(credentials.options) // once per rotation, not per connection
        installed = credentials.version
      }
      socket.setTimeout(0) // the TLS server's handshake timeout takes over
      server.emit('connection', socket)
    })
  }
}
