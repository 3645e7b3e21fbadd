/**
 * How the observability commands talk to a running `meshdojo demo`: its admin API, found via
 * `--admin URL`, then `MESHDOJO_ADMIN`, then http://127.0.0.1:15000. A refused connection becomes
 * one line naming the URL and what to do about it.
 */
import { request } from 'undici'
import { MeshError } from '../../../mesh/errors.ts'
import { UsageError } from '../usage-error.ts'

/** Where `meshdojo demo` puts its admin API unless `--admin-port` says otherwise. */
export const DEFAULT_ADMIN_URL = 'http://127.0.0.1:15000'

/** `--admin` wins, then `MESHDOJO_ADMIN` (read when the command runs), then the default. */
export function adminUrl(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const raw = flag ?? env.MESHDOJO_ADMIN ?? DEFAULT_ADMIN_URL
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new UsageError(`${flag !== undefined ? '--admin' : 'MESHDOJO_ADMIN'} must be a URL like ${DEFAULT_ADMIN_URL}, got "${raw}"`)
  }
  if (url.protocol !== 'http:') throw new UsageError(`the admin API speaks http://, got "${raw}"`)
  return raw.replace(/\/+$/, '')
}

/** The parts of undici's response the commands use. */
export interface AdminResponse {
  readonly status: number
  readonly headers: Record<string, string | string[] | undefined>
  readonly body: AsyncIterable<Buffer> & { text(): Promise<string>; dump(): Promise<void> }
}

/** Sends one request; throws MESH_ADMIN_UNREACHABLE if nothing answers at `base`. */
export async function adminRequest(
  base: string,
  path: string,
  options: { method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; body?: string; contentType?: string; signal?: AbortSignal } = {},
): Promise<AdminResponse> {
  try {
    const res = await request(`${base}${path}`, {
      method: options.method ?? 'GET',
      body: options.body,
      headers: options.contentType ? { 'content-type': options.contentType } : undefined,
      signal: options.signal,
    })
    return { status: res.statusCode, headers: res.headers, body: res.body }
  } catch (err) {
    if (options.signal?.aborted) throw err
    throw unreachable(base, err)
  }
}

/** The body as text if 2xx; otherwise the admin API's error as a MeshError (404 → unknown workload). */
export async function okText(base: string, res: AdminResponse): Promise<string> {
  const text = await res.body.text()
  if (res.status >= 200 && res.status < 300) return text
  throw adminError(base, res.status, text)
}

/** The admin API's JSON error as a MeshError: 404 → MESH_UNKNOWN_WORKLOAD, 400 → usage error (exit 2). */
export function adminError(base: string, status: number, text: string): MeshError {
  let message = text.trim()
  try {
    const parsed = JSON.parse(text) as { error?: string; workloads?: string[] }
    message = parsed.error ?? message
    if (parsed.workloads) message += `; workloads: ${parsed.workloads.join(', ')}`
  } catch {
    // not JSON: keep the text
  }
  if (status === 404) return new MeshError('MESH_UNKNOWN_WORKLOAD', message)
  if (status === 400) return new UsageError(message)
  return new MeshError('MESH_ADMIN_UNREACHABLE', `the admin API at ${base} answered ${status}: ${message}`)
}

function unreachable(base: string, err: unknown): MeshError {
  const code = (err as { code?: string; cause?: { code?: string } })?.code ?? (err as { cause?: { code?: string } })?.cause?.code
  const why = code === 'ECONNREFUSED' ? 'connection refused' : code ?? (err as Error)?.message ?? String(err)
  return new MeshError(
    'MESH_ADMIN_UNREACHABLE',
    `cannot reach the admin API at ${base} (${why}): is \`meshdojo demo\` running? Pass --admin URL or set MESHDOJO_ADMIN.`,
    undefined,
    { cause: err },
  )
}
