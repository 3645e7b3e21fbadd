/**
 * What turns a started mesh into a playground people can talk to: observability (metrics, access
 * logs, traces, TCP link counters), the admin API with every route, and the background load. The
 * demo and the workshop both serve their mesh this way; `close()` stops all of it, not the mesh.
 */
import { startAdminServer, type AdminServer } from '../admin/admin-server.ts'
import { configRoutes } from '../admin/config-routes.ts'
import { installObservability, type Observability } from '../admin/install-observability.ts'
import { loadRoutes } from '../admin/load-routes.ts'
import { startBackgroundLoad, type BackgroundLoad, type LoadUser } from '../load/background-load.ts'
import type { AccessLogFormat } from '../../mesh/telemetry/access-log-format.ts'
import type { Mesh } from './start-mesh.ts'

export interface ServeOptions {
  readonly adminPort: number
  /** Default 127.0.0.1; anything else needs `allowRemote`. */
  readonly adminHost?: string
  readonly allowRemote?: boolean
  /** Background page loads per second through the ingress; 0 = none. */
  readonly rps: number
  readonly user: LoadUser
  readonly accessLogFile?: string
  readonly accessLogFormat?: AccessLogFormat
}

export interface ServedMesh {
  readonly admin: AdminServer
  readonly observability: Observability
  readonly load: BackgroundLoad | undefined
  close(): Promise<void>
}

/** Errors of the access-log file carry this so callers can name the flag. */
export class AccessLogError extends Error {
  override readonly name = 'AccessLogError'
}

export async function serveMesh(mesh: Mesh, options: ServeOptions): Promise<ServedMesh> {
  const closers: Array<() => Promise<void>> = []
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => {})
  }
  try {
    const observability = await installObservability(mesh, { accessLogFile: options.accessLogFile, accessLogFormat: options.accessLogFormat }).catch((err: Error) => {
      throw new AccessLogError(`cannot open ${options.accessLogFile}: ${err.message}`, { cause: err })
    })
    closers.push(() => observability.close())
    if (mesh.links) observability.tcp.add(mesh.links)
    const loadApi = loadRoutes(mesh)
    closers.push(() => loadApi.close())
    const admin = await startAdminServer(mesh, {
      port: options.adminPort,
      host: options.adminHost,
      allowRemote: options.allowRemote,
      routes: [configRoutes(mesh), loadApi.routes, ...observability.routes],
    })
    closers.push(() => admin.close())
    const load =
      options.rps > 0
        ? startBackgroundLoad({ target: mesh.ingressUrl, rps: options.rps, user: options.user, clock: mesh.clock, random: mesh.random.stream('load/users') })
        : undefined
    if (load) closers.push(() => load.stop())
    return { admin, observability, load, close }
  } catch (err) {
    await close()
    throw err
  }
}
