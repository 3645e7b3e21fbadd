/**
 * The request paths measured side by side (configurations 1–7 of the benchmark), and how to start
 * each one's processes. Everything server-side is pinned to the server CPU, so every RPS figure is
 * throughput per core. nginx proxies to the direct app's process (their CPU is added up).
 */
import type { LoadTarget } from '../measure.ts'
import { startNginx, type RunningNginx } from '../nginx/nginx.ts'
import { SERVER_CPU } from '../options.ts'
import { Sut, type Runtime } from '../proc/sut.ts'

export type PathId = 'ceiling' | 'direct' | 'undiciHop' | 'hop1' | 'mesh' | 'meshFull' | 'meshLink' | 'httpProxy' | 'nginx'

export interface PathConfig {
  readonly id: PathId
  readonly label: string
  /** Proxy hops between the generator and the app. */
  readonly hops: number
  /** The ceiling only needs saturation. */
  readonly latency: boolean
  readonly needsNginx?: boolean
  /** Child script and arguments, for Node configurations. */
  readonly server?: { readonly script: string; readonly args?: readonly string[] }
}

export const PATH_CONFIGS: readonly PathConfig[] = [
  { id: 'ceiling', label: 'nginx return 200 (harness ceiling)', hops: 0, latency: false, needsNginx: true },
  { id: 'direct', label: 'direct: bare Node app', hops: 0, latency: true, server: { script: 'direct.ts' } },
  { id: 'undiciHop', label: 'floor: minimal undici hop, no filters', hops: 1, latency: true, server: { script: 'undici-hop.ts' } },
  { id: 'hop1', label: 'meshdojo, 1 hop (outbound sidecar)', hops: 1, latency: true, server: { script: 'sidecar-hop.ts' } },
  { id: 'mesh', label: 'meshdojo mesh path (outbound+inbound)', hops: 2, latency: true, server: { script: 'mesh-path.ts' } },
  { id: 'meshFull', label: 'mesh path, all filters idle + sinks', hops: 2, latency: true, server: { script: 'mesh-path.ts', args: ['--features', 'full'] } },
  { id: 'meshLink', label: 'mesh path + Toxiproxy link', hops: 2, latency: true, server: { script: 'mesh-path.ts', args: ['--link'] } },
  { id: 'httpProxy', label: 'http-proxy, 2 hops (baseline)', hops: 2, latency: true, server: { script: 'http-proxy-path.ts' } },
  { id: 'nginx', label: 'nginx, 1 hop (reference)', hops: 1, latency: true, needsNginx: true },
]

export interface RunningPaths {
  readonly targets: ReadonlyMap<PathId, LoadTarget>
  /** Node processes by configuration, for memory figures. */
  readonly suts: ReadonlyMap<PathId, Sut>
  readonly notes: readonly string[]
  close(): Promise<void>
}

export async function startPaths(
  configs: readonly PathConfig[],
  options: { pin: boolean; nginx: boolean; runtime: Runtime; nodeFlags?: readonly string[]; startTogether?: number },
): Promise<RunningPaths> {
  const suts = new Map<PathId, Sut>()
  const targets = new Map<PathId, LoadTarget>()
  const notes: string[] = []
  let nginx: RunningNginx | undefined
  const close = async () => {
    await nginx?.close()
    await Promise.all([...suts.values()].map((s) => s.close()))
  }
  try {
    const wanted = configs.filter((c) => c.server || (c.needsNginx && options.nginx))
    const needDirect = wanted.some((c) => c.needsNginx) && !wanted.some((c) => c.id === 'direct')
    const node = wanted.filter((c) => c.server)
    if (needDirect) node.push(PATH_CONFIGS.find((c) => c.id === 'direct')!)
    // Started a few at a time: tsx compiles on start-up and the machine has two cores.
    const together = options.startTogether ?? 2
    for (let i = 0; i < node.length; i += together) {
      const batch = node.slice(i, i + together)
      const started = await Promise.all(
        batch.map((c) => Sut.start(c.id, c.server!.script, { pin: options.pin, cpu: SERVER_CPU, args: c.server!.args, nodeFlags: options.nodeFlags, runtime: options.runtime })),
      )
      batch.forEach((c, k) => suts.set(c.id, started[k]!))
    }
    for (const [id, sut] of suts) {
      targets.set(id, { url: `http://127.0.0.1:${sut.port}/`, host: sut.ready.host, pids: () => sut.pids(), loop: sut })
    }
    if (wanted.some((c) => c.needsNginx)) {
      const direct = suts.get('direct')!
      try {
        nginx = await startNginx({ upstreamPort: direct.port, pin: options.pin, cpu: SERVER_CPU })
        const n = nginx
        targets.set('ceiling', { url: `http://127.0.0.1:${n.ceilingPort}/`, pids: () => n.pids() })
        targets.set('nginx', { url: `http://127.0.0.1:${n.hopPort}/`, pids: () => [...n.pids(), ...direct.pids()] })
      } catch (err) {
        notes.push(`nginx could not start, no nginx rows: ${(err as Error).message.split('\n')[0]}`)
      }
    }
  } catch (err) {
    await close()
    throw err
  }
  return { targets, suts, notes, close }
}
