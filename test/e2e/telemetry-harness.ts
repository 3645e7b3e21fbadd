/** A test mesh with its observability served by an admin server on an ephemeral port, as the demo serves it. */
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { request } from 'undici'
import { startAdminServer, type AdminServer } from '../../sim/admin/admin-server.ts'
import { observabilityRoutes } from '../../sim/admin/observability-routes.ts'
import { AccessLogFile } from '../../mesh/telemetry/access-log-file.ts'
import type { MeshObservability } from '../../sim/mesh/mesh-observability.ts'
import type { MeshOptions } from '../../sim/mesh/start-mesh.ts'
import { startTestMesh, type TestMesh } from '../support/mesh.ts'

export interface ObservedMesh {
  readonly mesh: TestMesh
  /** The mesh's own observability, plus the access-log file when one was asked for. */
  readonly obs: MeshObservability & { readonly accessLogFile: AccessLogFile | undefined }
  readonly admin: AdminServer
  /** GET on the admin API: status, headers and text. */
  get(path: string): Promise<{ status: number; headers: Record<string, unknown>; text: string }>
  /** Applies files from samples/istio (Istio's own Bookinfo YAML). */
  applySamples(...files: string[]): Promise<void>
  close(): Promise<void>
}

export async function startObservedMesh(options: Partial<MeshOptions> = {}, files: { readonly accessLogFile?: string } = {}): Promise<ObservedMesh> {
  const mesh = await startTestMesh(options)
  const accessLogFile = files.accessLogFile ? await AccessLogFile.open({ path: files.accessLogFile }) : undefined
  const removeFile = accessLogFile ? mesh.telemetry.add(accessLogFile) : undefined
  const routes = observabilityRoutes(mesh)
  const admin = await startAdminServer(mesh, { port: 0, routes: routes.routes })
  return {
    mesh,
    obs: { ...mesh.observability, accessLogFile },
    admin,
    async get(path) {
      const res = await request(`${admin.url}${path}`)
      return { status: res.statusCode, headers: res.headers, text: await res.body.text() }
    },
    async applySamples(...files) {
      for (const file of files) {
        const path = fileURLToPath(new URL(`../../samples/istio/${file}`, import.meta.url))
        mesh.config.applyText(await readFile(path, 'utf8'), file)
      }
    },
    async close() {
      await admin.close()
      routes.close()
      removeFile?.()
      await accessLogFile?.close()
      await mesh.close()
    },
  }
}
