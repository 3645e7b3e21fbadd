/**
 * Everything a workshop runs around one lesson: the scenario's mesh on the demo's ports (ingress
 * 9080, Toxiproxy 8474), the admin API with the config routes so `meshdojo apply` works against
 * it (15000), observability, a little background load so the dashboard moves, and the lesson
 * controller. `close()` stops all of it.
 */
import type { AdminServer } from '../admin/admin-server.ts'
import type { MeshObservability } from '../mesh/mesh-observability.ts'
import type { BackgroundLoad, LoadUser } from '../load/background-load.ts'
import { serveMesh } from '../mesh/serve-mesh.ts'
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
  readonly observability: MeshObservability
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
    const served = await serveMesh(mesh, { adminPort: options.adminPort, rps: options.rps, user: options.user })
    closers.push(() => served.close())
    const { admin, observability, load } = served
    const lesson = createLessonController(session, { closeSession: false, onLog: options.onLog })
    closers.push(() => lesson.close())
    return { session, lesson, admin, observability, load, close }
  } catch (err) {
    await close()
    throw err
  }
}
