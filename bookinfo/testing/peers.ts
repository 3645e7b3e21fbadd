/** Test support: stub peers on ephemeral ports, and an Agent that resolves service names to them. */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import { Agent, buildConnector } from 'undici'
import { startApp, type RunningApp } from '../serve.ts'

/**
 * A dispatcher standing in for the mesh: `http://details:9080/...` connects to whatever port
 * `portOf('details')` names at connect time, so a test can swap or kill peers.
 */
export function serviceAgent(portOf: (service: string) => number | undefined): Agent {
  const connect = buildConnector({})
  return new Agent({
    connect(opts, callback) {
      const port = portOf(opts.hostname)
      if (port === undefined) {
        // asynchronously: a synchronous error here leaves undici's Agent.close() hanging for ever
        process.nextTick(() => callback(new Error(`test agent: no peer for ${opts.hostname}`), null))
        return
      }
      connect({ ...opts, hostname: '127.0.0.1', host: `127.0.0.1:${port}`, port: String(port) }, callback)
    },
  })
}

export interface RecordedRequest {
  readonly method: string
  readonly url: string
  readonly headers: IncomingHttpHeaders
}

export interface StubPeer extends RunningApp {
  /** Every request received, in order. */
  readonly requests: RecordedRequest[]
}

/** A peer that records each request, then lets `reply` answer it (or leave it hanging). */
export async function startStub(reply: (req: IncomingMessage, res: ServerResponse) => void): Promise<StubPeer> {
  const requests: RecordedRequest[] = []
  const running = await startApp(function stub(req, res) {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers })
    reply(req, res)
  })
  return { ...running, requests }
}

/** A reply that sends a fixed status and JSON body. */
export const json = (status: number, body: unknown) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
}

/** Closes everything given, in parallel, even if some were never started. */
export async function closeAll(...things: Array<{ close(): Promise<unknown> } | undefined>): Promise<void> {
  await Promise.all(things.map((thing) => thing?.close()))
}
