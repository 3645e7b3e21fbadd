/**
 * What iptables does for a pod: every outbound connection the app opens, whatever host it names,
 * lands on its sidecar's outbound listener. Apps keep calling `http://reviews:9080/...`; the Host
 * header still says `reviews:9080`, and the sidecar routes by it. The connection is in-process, so
 * only this app reaches its sidecar's outbound side (and borrows its identity), as in a pod.
 */
import { Agent, type Dispatcher } from 'undici'
import type { Listener } from '../http/listener.ts'
import { inProcessConnector } from '../http/upstream-pool.ts'

export function egressCapture(outbound: Pick<Listener, 'connect'>): Dispatcher {
  return new Agent({ keepAliveTimeout: 4_000, connect: inProcessConnector(() => outbound.connect()) })
}
