/** In-memory requests and upstreams for filter tests: no sockets, virtual time. */
import { Cancel, newStreamInfo, type Body, type Handler, type HeaderMap, type MeshRequest, type MeshResponse } from '../../mesh/filter.ts'
import { UpstreamFailure, type FailureKind } from '../../mesh/upstream-failure.ts'

export function get(path: string, headers: HeaderMap = {}, authority = 'reviews:9080'): MeshRequest {
  return {
    method: 'GET',
    path,
    authority,
    scheme: 'http',
    headers: { host: authority, ...headers },
    body: null,
    cancel: new Cancel(),
    info: newStreamInfo(0),
  }
}

export type Scripted = number | FailureKind | ((req: MeshRequest) => Promise<MeshResponse>)

/**
 * An upstream that answers from a script (a status, a failure kind, or a function), one entry per
 * call, repeating the last. Records every request it saw.
 */
export function stubUpstream(...script: Scripted[]): { handler: Handler; calls: MeshRequest[] } {
  const calls: MeshRequest[] = []
  const handler: Handler = async (req) => {
    const step = script[Math.min(calls.length, script.length - 1)] ?? 200
    calls.push(req)
    if (typeof step === 'function') return step(req)
    if (typeof step === 'string') throw new UpstreamFailure(step)
    return { status: step, headers: {}, body: `status ${step}` }
  }
  return { handler, calls }
}

/** A Random that replays the given draws, then repeats the last. */
export function draws(...values: number[]): () => number {
  let i = 0
  return () => values[Math.min(i++, values.length - 1)]!
}

/** A response body as text, whichever form it has (in memory, whole from upstream, or streamed). */
export async function bodyText(body: Body): Promise<string> {
  if (body === null) return ''
  if (typeof body === 'string' || Buffer.isBuffer(body)) return body.toString()
  const chunks: Buffer[] = []
  for await (const chunk of body) chunks.push(Buffer.from(chunk))
  return Buffer.concat(chunks).toString()
}
