/**
 * A workload's app container: an HTTP server with no port, reachable only through `connect()`, the
 * way only the sidecar reaches an app inside its pod. Nothing else on the machine can call the app
 * around its sidecar (skipping mTLS and authorization).
 */
import { createServer, type RequestListener } from 'node:http'
import { inProcessEntrance, type PipeEnd } from '../../mesh/http/in-process-pipe.ts'
import { KEEP_ALIVE_TIMEOUT_MS } from '../../bookinfo/serve.ts'

export interface PodApp {
  /** A new in-process connection to the app. */
  connect(): PipeEnd
  /** Serves new requests with `handler`; requests already in flight finish on the old one (nothing is dropped). */
  replace(handler: RequestListener): void
  /** Resets every connection, idle or mid-request (a killed container). */
  close(): void
}

export function startPodApp(handler: RequestListener): PodApp {
  let current = handler
  const server = createServer((req, res) => current(req, res))
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS
  const entrance = inProcessEntrance(server)
  return {
    connect: () => entrance.connect(),
    replace(next) {
      current = next
    },
    close: () => entrance.close(),
  }
}
