/**
 * The application every configuration ends at: node:http answering any request with the same
 * 182-byte JSON document (Bookinfo's details record), as in the reference measurements.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { bookDetails } from '../../bookinfo/details/app.ts'

export const APP_BODY = Buffer.from(JSON.stringify(bookDetails(10000)))

const HEADERS = { 'content-type': 'application/json', 'content-length': String(APP_BODY.length) }

export interface BenchApp {
  readonly port: number
  /** `127.0.0.1:port` */
  readonly address: string
  close(): Promise<void>
}

export async function startBenchApp(port = 0): Promise<BenchApp> {
  const server = http.createServer((req, res) => {
    // Drain any body, then answer; nothing else, so the app costs as little as Node allows.
    req.resume()
    res.writeHead(200, HEADERS)
    res.end(APP_BODY)
  })
  // Longer than every client pool's idle timeout (undici 4 s, nginx 60 s): the client closes first.
  server.keepAliveTimeout = 120_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  const bound = (server.address() as AddressInfo).port
  return {
    port: bound,
    address: `127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
