/**
 * What iptables does for a pod: every outbound connection the app opens, whatever host it names,
 * lands on its sidecar's outbound listener. Apps keep calling `http://reviews:9080/...`; the Host
 * header still says `reviews:9080`, and the sidecar routes by it.
 */
import { Agent, buildConnector, type Dispatcher } from 'undici'

export function egressCapture(outboundPort: number): Dispatcher {
  const connect = buildConnector({})
  return new Agent({
    keepAliveTimeout: 4_000,
    connect: (options, callback) => connect({ ...options, hostname: '127.0.0.1', host: `127.0.0.1:${outboundPort}`, port: String(outboundPort), protocol: 'http:' }, callback),
  })
}
