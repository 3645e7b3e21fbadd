/**
 * A Gateway's workloads, as Istio's IngressGatewayPortAnalyzer checks them against the cluster: its selector
 * must match some Pod (IST0101, an Error: no proxy would serve it), and each server port should be one that a
 * Service of those Pods sends traffic to (IST0162). The server port is the port the gateway proxy listens on,
 * so it is compared with the Services' target ports (or, without one, their ports), and a Service port that
 * maps to another target port counts too (Istio accepts port 80 on a Service sending 80 to 8080).
 */

import type { Diagnostic } from '../types.ts'
import { selects, selectorString, type Cluster } from './cluster.ts'
import { diagnosticFor } from './diagnostic-for.ts'
import type { GatewayView } from './views.ts'

export function checkGatewayWorkloads(gateways: readonly GatewayView[], cluster: Cluster): Diagnostic[] {
  const out: Diagnostic[] = []
  for (const gw of gateways) {
    const pods = cluster.pods.filter((pod) => selects(gw.selector, pod.labels))
    const selector = selectorString(gw.selector)
    if (pods.length === 0) {
      out.push(diagnosticFor(gw.resource, 'Error', 'IST0101', 'spec.selector', `Referenced selector not found: "${selector}"`))
      continue
    }
    const listening = new Set<number>() // target ports, or ports without one
    const exposed = new Set<number>() // service ports that map to some target port
    for (const pod of pods) {
      for (const service of cluster.services) {
        // Services select Pods in their own namespace only.
        if (service.namespace !== pod.namespace || service.selector === undefined || !selects(service.selector, pod.labels)) continue
        for (const port of service.ports) {
          if (port.protocol !== 'TCP') continue
          if (port.targetPort === undefined) listening.add(port.port)
          else {
            listening.add(port.targetPort)
            exposed.add(port.port)
          }
        }
      }
    }
    for (const server of gw.servers) {
      if (server.port === undefined || listening.has(server.port) || exposed.has(server.port)) continue
      out.push(diagnosticFor(gw.resource, 'Warning', 'IST0162', `spec.servers[${server.index}].port.number`,
        `The gateway is listening on a target port (port ${server.port}) that is not defined in the Service associated with its workload instances (Pod selector ${selector}). If you need to access the gateway port through the gateway Service, it will not be available.`))
    }
  }
  return out
}
