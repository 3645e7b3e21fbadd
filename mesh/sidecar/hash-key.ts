/** The consistent-hash key of a request (DestinationRule `loadBalancer.consistentHash`). */
import { headerValue, type MeshRequest } from '../filter.ts'
import type { ConsistentHashKey } from '../control/types.ts'

export function hashKeyOf(spec: ConsistentHashKey): (req: MeshRequest) => string | undefined {
  switch (spec.kind) {
    case 'header':
      return (req) => headerValue(req.headers, spec.name.toLowerCase())
    case 'cookie':
      return (req) => cookieValue(headerValue(req.headers, 'cookie'), spec.name)
    case 'queryParameter':
      return (req) => new URLSearchParams(req.path.split('?')[1] ?? '').get(spec.name) ?? undefined
    case 'sourceIp':
      // Every caller is on 127.0.0.1 here; the calling workload stands in for its pod IP.
      return (req) => headerValue(req.headers, 'x-forwarded-for') ?? headerValue(req.headers, 'x-envoy-peer-metadata-id') ?? '127.0.0.1'
  }
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}
