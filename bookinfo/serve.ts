/** Runs an app on a real socket, and takes it down completely (a killed workload). */
import { once } from 'node:events'
import { createServer, type RequestListener, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface StartOptions {
  /** Interface to bind; default 127.0.0.1. */
  readonly host?: string
  /** Default 0 (an ephemeral port). Pass a previous port to restart a workload where it was. */
  readonly port?: number
}

export interface RunningApp {
  readonly port: number
  /** e.g. http://127.0.0.1:43121 */
  readonly url: string
  /** Stops listening and destroys every connection, idle or mid-request. Safe to call twice. */
  close(): Promise<void>
}

/**
 * Longer than undici's 4 s client idle timeout: the client must always be the side that closes an
 * idle keep-alive socket, or it may reuse one the server is closing and get ECONNRESET.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 30_000

/** Starts a fresh server for `app`; an app may be started again after its server closed. */
export async function startApp(app: RequestListener, opts: StartOptions = {}): Promise<RunningApp> {
  const host = opts.host ?? '127.0.0.1'
  const server = createServer(app)
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS
  server.listen(opts.port ?? 0, host)
  await once(server, 'listening') // rejects with the 'error' (e.g. EADDRINUSE) instead
  const { port } = server.address() as AddressInfo
  let closing: Promise<void> | undefined
  return {
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () => (closing ??= closeServer(server)),
  }
}

function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())))
  server.closeAllConnections() // close() alone waits for in-flight requests and idle keep-alives
  return closed
}
