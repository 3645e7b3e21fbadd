/**
 * What turns a started mesh into a playground people can talk to: the admin API with every route
 * (over the mesh's own observability, so it shows what the dashboard and the lesson checks see), the
 * optional access-log file, and the background load. The demo and the workshop both serve their mesh
 * this way; `close()` stops all of it, not the mesh.
 */
import { startAdminServer, type AdminServer } from '../admin/admin-server.ts'
import { configRoutes } from '../admin/config-routes.ts'
import { loadRoutes } from '../admin/load-routes.ts'
import { observabilityRoutes } from '../admin/observability-routes.ts'
import { startBackgroundLoad, type BackgroundLoad, type LoadUser } from '../load/background-load.ts'
import { AccessLogFile } from '../../mesh/telemetry/access-log-file.ts'
import type { AccessLogFormat } from '../../mesh/telemetry/access-log-format.ts'
import type { MeshObservability } from './mesh-observability.ts'
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
  /** The mesh's own (`mesh.observability`), for callers that hold only the served mesh. */
  readonly observability: MeshObservability
  /** `--access-log FILE`, when given. */
  readonly accessLogFile: AccessLogFile | undefined
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
    const accessLogFile = options.accessLogFile
      ? await AccessLogFile.open({ path: options.accessLogFile, format: options.accessLogFormat }).catch((err: Error) => {
          throw new AccessLogError(`cannot open ${options.accessLogFile}: ${err.message}`, { cause: err })
        })
      : undefined
    if (accessLogFile) {
      const remove = mesh.telemetry.add(accessLogFile)
      closers.push(async () => {
        remove()
        await accessLogFile.close()
      })
    }
    const observability = observabilityRoutes(mesh)
    closers.push(async () => observability.close())
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
    return { admin, observability: mesh.observability, accessLogFile, load, close }
  } catch (err) {
    await close()
    throw err
  }
}
