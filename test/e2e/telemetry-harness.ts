/** A test mesh with observability installed and an admin server on an ephemeral port. */
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { request } from 'undici'
import { startAdminServer, type AdminServer } from '../../sim/admin/admin-server.ts'
import { installObservability, type Observability, type ObservabilityOptions } from '../../sim/admin/install-observability.ts'
import type { MeshOptions } from '../../sim/mesh/start-mesh.ts'
import { startTestMesh, type TestMesh } from '../support/mesh.ts'

export interface ObservedMesh {
  readonly mesh: TestMesh
  readonly obs: Observability
  readonly admin: AdminServer
  /** GET on the admin API: status, headers and text. */
  get(path: string): Promise<{ status: number; headers: Record<string, unknown>; text: string }>
  /** Applies files from samples/istio (Istio's own Bookinfo YAML). */
  applySamples(...files: string[]): Promise<void>
  close(): Promise<void>
}

export async function startObservedMesh(options: Partial<MeshOptions> = {}, observability: ObservabilityOptions = {}): Promise<ObservedMesh> {
  const mesh = await startTestMesh(options)
  const obs = await installObservability(mesh, observability)
  const admin = await startAdminServer(mesh, { port: 0, routes: obs.routes })
  return {
    mesh,
    obs,
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
      await obs.close()
      await mesh.close()
    },
  }
}
