/** A started mesh for tests: ephemeral ports, a fixed seed, a record collector, closed after use. */
import { request } from 'undici'
import { startMesh, type Mesh, type MeshOptions } from '../../sim/mesh/start-mesh.ts'
import type { RequestRecord } from '../../mesh/telemetry/record.ts'

export interface TestMesh extends Mesh {
  /** Every telemetry record since start (or since `records.length = 0`). */
  readonly records: RequestRecord[]
  /** GET through the ingress; returns status, body text and headers. */
  page(path?: string, headers?: Record<string, string>): Promise<{ status: number; body: string; headers: Record<string, unknown>; ms: number }>
  /** Logs in as `user` through the ingress and returns the session cookie. */
  login(user: string): Promise<string>
}

export async function startTestMesh(options: Partial<MeshOptions> = {}): Promise<TestMesh> {
  const mesh = await startMesh({ seed: 42, ingressPort: 0, ...options })
  const records: RequestRecord[] = []
  mesh.telemetry.add({ record: (r) => void records.push(r) })
  const page: TestMesh['page'] = async (path = '/productpage', headers = {}) => {
    const started = performance.now()
    const res = await request(`${mesh.ingressUrl}${path}`, { headers })
    const body = await res.body.text()
    return { status: res.statusCode, body, headers: res.headers, ms: performance.now() - started }
  }
  const login: TestMesh['login'] = async (user) => {
    const res = await request(`${mesh.ingressUrl}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `username=${encodeURIComponent(user)}&passwd=password`,
    })
    await res.body.dump()
    const setCookie = res.headers['set-cookie']
    return (Array.isArray(setCookie) ? setCookie : [setCookie ?? '']).map((c) => c.split(';')[0]).join('; ')
  }
  return { ...mesh, records, page, login }
}

/** Polls `check` until it returns a value (not undefined) or the deadline passes. */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setImmediate(r))
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** The reviews version that served a product page ("Reviews served by: reviews-v2-…"). */
export const servedBy = (body: string): string | undefined => /reviews-(v\d)/.exec(body.slice(body.indexOf('Reviews served by')))?.[1]
