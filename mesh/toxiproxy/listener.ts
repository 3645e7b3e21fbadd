/**
 * Binding TCP listeners the way Go's `net.Listen` does for a resolved address, and reporting
 * failures in Go's words (`listen tcp 127.0.0.1:3310: bind: address already in use`).
 */
import { createServer, type Server, type Socket } from 'node:net'
import { joinHostPort, type ResolvedListen } from './listen-address.ts'

/** Bound servers for one address, and the address to report (Go's `listener.Addr().String()`). */
export interface BoundListener {
  readonly servers: readonly Server[]
  readonly address: string
  readonly port: number
}

/** A bind failure: Go's text in `message`, Node's errno code in `code`. */
export class BindError extends Error {
  override readonly name = 'BindError'
  constructor(
    message: string,
    readonly code: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** The errno texts Go prints (from strerror), for the codes a bind can hit. */
const ERRNO_TEXT: Record<string, string> = {
  EADDRINUSE: 'bind: address already in use',
  EACCES: 'bind: permission denied',
  EADDRNOTAVAIL: 'bind: cannot assign requested address',
  EAFNOSUPPORT: 'socket: address family not supported by protocol',
  EINVAL: 'bind: invalid argument',
}

/** Go's text for a failed listen on `display`. */
export function bindErrorText(display: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  const text = (code && ERRNO_TEXT[code]) ?? `bind: ${(error as Error | undefined)?.message ?? String(error)}`
  return `listen tcp ${display}: ${text}`
}

/** Listens on one host/port; TCP options match Go's (no Nagle) and we control half-close. */
export function listenOn(host: string, port: number, onConnection: (socket: Socket) => void, ipv6Only = false): Promise<Server> {
  const server = createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true }, onConnection)
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen({ host, port, ipv6Only }, () => {
      server.off('error', reject)
      server.on('error', () => {}) // accept errors (EMFILE…) must not crash the process
      resolve(server)
    })
  })
}

const portOf = (server: Server): number => {
  const address = server.address()
  return typeof address === 'object' && address ? address.port : 0
}

/** Closes servers without waiting for their connections (callers destroy those). */
export function closeServers(servers: readonly Server[]): Promise<void> {
  return Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())))).then(() => {})
}

/**
 * Binds `resolved` like Go: the wildcard (`:X`, `0.0.0.0:X`, `[::]:X`) dual-stack, reported as
 * `[::]:X` (`0.0.0.0:X` without IPv6); a `localhost` address also on ::1 when it can be.
 */
export async function bindListener(resolved: ResolvedListen, onConnection: (socket: Socket) => void): Promise<BoundListener> {
  const { ip, port, display } = resolved
  const wildcard = ip === undefined || ip === '0.0.0.0' || ip === '::'
  try {
    if (wildcard) {
      try {
        const server = await listenOn('::', port, onConnection)
        return { servers: [server], address: joinHostPort('::', portOf(server)), port: portOf(server) }
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code
        if (ip === '::' || (code !== 'EAFNOSUPPORT' && code !== 'EADDRNOTAVAIL')) throw error
        const server = await listenOn('0.0.0.0', port, onConnection) // no IPv6 on this host
        return { servers: [server], address: joinHostPort('0.0.0.0', portOf(server)), port: portOf(server) }
      }
    }
    const server = await listenOn(ip, port, onConnection)
    const bound = portOf(server)
    const servers = [server]
    if (resolved.localhost && ip !== '::1') {
      // Extra, best effort: Node resolves localhost to ::1 first on some hosts.
      const v6 = await listenOn('::1', bound, onConnection, true).catch(() => undefined)
      if (v6) servers.push(v6)
    }
    return { servers, address: joinHostPort(ip, bound), port: bound }
  } catch (error) {
    throw new BindError(bindErrorText(display, error), (error as NodeJS.ErrnoException).code, { cause: error })
  }
}
