/**
 * Everything a workshop runs around one lesson: the scenario's mesh on the demo's ports (ingress
 * 9080, Toxiproxy 8474), the admin API with the config routes so `meshdojo apply` works against
 * it (15000), observability, a little background load so the dashboard moves, and the lesson
 * controller. `close()` stops all of it.
 */
import { startAdminServer, type AdminServer } from '../admin/admin-server.ts'
import { configRoutes } from '../admin/config-routes.ts'
import { installObservability, type Observability } from '../admin/install-observability.ts'
import { loadRoutes } from '../admin/load-routes.ts'
import { startBackgroundLoad, type BackgroundLoad, type LoadUser } from '../load/background-load.ts'
import { startScenarioSession, type ScenarioSession } from '../scenario/session.ts'
import type { Scenario } from '../scenario/types.ts'
import type { LessonController } from './lesson-contract.ts'
import { createLessonController } from './lesson-controller.ts'

export interface WorkshopOptions {
  readonly ingressPort: number
  readonly adminPort: number
  readonly toxiproxyPort: number
  /** Background page loads per second; 0 = none. */
  readonly rps: number
  readonly user: LoadUser
  readonly onLog?: (line: string) => void
}

export interface Workshop {
  readonly session: ScenarioSession
  readonly lesson: LessonController
  readonly admin: AdminServer
  readonly observability: Observability
  readonly load: BackgroundLoad | undefined
  close(): Promise<void>
}

export async function startWorkshop(scenario: Scenario, options: WorkshopOptions): Promise<Workshop> {
  const session = await startScenarioSession(scenario, { ingressPort: options.ingressPort, toxiproxyPort: options.toxiproxyPort })
  const { mesh } = session
  const closers: Array<() => Promise<void>> = [() => session.close()]
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => {})
  }
  try {
    const observability = await installObservability(mesh)
    closers.push(() => observability.close())
    if (mesh.links) observability.tcp.add(mesh.links)
    const loadApi = loadRoutes(mesh)
    closers.push(() => loadApi.close())
    const admin = await startAdminServer(mesh, { port: options.adminPort, routes: [configRoutes(mesh), loadApi.routes, ...observability.routes] })
    closers.push(() => admin.close())
    const load = options.rps > 0 ? startBackgroundLoad({ target: mesh.ingressUrl, rps: options.rps, user: options.user, clock: mesh.clock, random: mesh.random.stream('load/users') }) : undefined
    if (load) closers.push(() => load.stop())
    const lesson = createLessonController(session, { closeSession: false, onLog: options.onLog })
    closers.push(() => lesson.close())
    return { session, lesson, admin, observability, load, close }
  } catch (err) {
    await close()
    throw err
  }
}
