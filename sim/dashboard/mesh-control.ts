/** The dashboard's DashboardControl for a running mesh: its config store, Toxiproxy links and background load. */
import { readFile } from 'node:fs/promises'
import type { BackgroundLoad } from '../load/background-load.ts'
import type { Mesh } from '../mesh/start-mesh.ts'
import type { DashboardControl } from './perform-action.ts'

export interface MeshControlOptions {
  readonly mesh: Mesh
  readonly load?: BackgroundLoad
}

export function meshControl(o: MeshControlOptions): DashboardControl {
  const { mesh, load } = o
  const api = mesh.links?.api
  return {
    config: () => mesh.config.snapshot(),
    versions() {
      const out = new Map<string, string[]>()
      for (const w of mesh.workloads.values()) out.set(w.identity.app, [...(out.get(w.identity.app) ?? []), w.identity.version].sort())
      return out
    },
    applyYaml: (yaml, file) => mesh.config.applyText(yaml, file),
    readFile: (path) => readFile(path, 'utf8'),
    resetConfig: () => mesh.resetConfig(),
    ...(api
      ? {
          toxics: {
            list: async () => Object.fromEntries(Object.entries(await api.listProxies()).map(([name, p]) => [name, p.toxics])),
            add: async (proxy, input) => void (await api.addToxic(proxy, input)),
            remove: (proxy, toxic) => api.removeToxic(proxy, toxic),
            reset: () => api.reset(),
          },
        }
      : {}),
    ...(load
      ? {
          load: {
            get rps() {
              return load.rps
            },
            get user() {
              return load.user
            },
            setRate: (rps: number) => load.setRate(rps),
            setUser: (user: BackgroundLoad['user']) => load.setUser(user),
            initial: { rps: load.rps, user: load.user },
          },
        }
      : {}),
  }
}
