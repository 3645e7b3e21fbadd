/**
 * `--profile ID`: one configuration under `node --cpu-prof`, driven at saturation, then its hottest
 * functions by self time and by inclusive time (meshdojo's own code marked), and the share per
 * file. The .cpuprofile is kept in bench/results/ for Chrome DevTools.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { detectTools } from './tools.ts'
import { pickDrivers } from './load/drivers.ts'
import { specFor, measure } from './measure.ts'
import { Warmer } from './settle.ts'
import { GENERATOR_CPU, SERVER_CPU, type BenchOptions } from './options.ts'
import { makeTempDir, pinSelf, removeTempDir } from './proc/processes.ts'
import { Sut } from './proc/sut.ts'
import { stopBundler } from './proc/bundle.ts'
import { PATH_CONFIGS } from './sections/path-configs.ts'
import { table } from './report/table.ts'

const REPO = fileURLToPath(new URL('../', import.meta.url))

interface ProfileNode {
  readonly id: number
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number }
  readonly hitCount?: number
  readonly children?: readonly number[]
}

export async function runProfile(options: BenchOptions): Promise<number> {
  const id = options.profile!
  const config = PATH_CONFIGS.find((c) => c.id === id && c.server)
  const script = config?.server?.script ?? (id === 'bookinfo' ? 'bookinfo.ts' : undefined)
  if (!script) throw new Error(`--profile: no Node configuration "${id}"; try ${PATH_CONFIGS.filter((c) => c.server).map((c) => c.id).join(', ')}, bookinfo`)
  const tools = detectTools({ install: false, log: options.log })
  if (options.pin && tools.taskset) pinSelf(GENERATOR_CPU)
  const drivers = pickDrivers({ forced: options.driver, wrk: tools.wrk, pin: options.pin && tools.taskset })
  const dir = makeTempDir('meshdojo-prof-')
  try {
    const sut = await Sut.start(id, script, { pin: options.pin, cpu: SERVER_CPU, args: config?.server?.args, nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${dir}`], runtime: options.runtime })
    const target = { url: `http://127.0.0.1:${sut.port}${id === 'bookinfo' ? '/productpage' : '/'}`, host: sut.ready.host, pids: () => sut.pids(), loop: sut }
    try {
      // Profile warm code only: a cold start would put the interpreter and the compiler on top.
      await new Warmer(drivers.saturation, options).warm(id, target)
      const m = await measure(drivers.saturation, target, specFor(target, options.saturation, options.connections))
      options.log(`bench: profiled ${id}: ${Math.round(m.rps)} rps, ${m.cpuUsPerReq.toFixed(1)} µs/req (profiling adds overhead)`)
    } finally {
      await sut.close()
    }
    await stopBundler()
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))
    if (!file) throw new Error('no .cpuprofile written')
    const keep = fileURLToPath(new URL(`./results/${id}.cpuprofile`, import.meta.url))
    mkdirSync(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true })
    copyFileSync(join(dir, file), keep)
    process.stdout.write(`${summarizeProfile(JSON.parse(readFileSync(join(dir, file), 'utf8')))}\n\nprofile: ${relative(REPO, keep)}\n`)
    return 0
  } finally {
    removeTempDir(dir)
  }
}

const where = (url: string) => {
  if (!url) return '(native)'
  const path = url.startsWith('file://') ? fileURLToPath(url) : url
  return path.startsWith(REPO) ? relative(REPO, path) : path.replace(/^.*node_modules\//, 'node_modules/')
}

export function summarizeProfile(profile: { nodes: readonly ProfileNode[] }, top = 25): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const totalHits = profile.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0) || 1
  const key = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'} ${where(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`
  const self = new Map<string, number>()
  const files = new Map<string, number>()
  for (const n of profile.nodes) {
    self.set(key(n), (self.get(key(n)) ?? 0) + (n.hitCount ?? 0))
    const f = where(n.callFrame.url)
    files.set(f, (files.get(f) ?? 0) + (n.hitCount ?? 0))
  }
  // Inclusive: each node's subtree, counted once per function per stack (recursion is not double counted).
  const inclusive = new Map<string, number>()
  const walk = (id: number, onStack: Set<string>): number => {
    const n = byId.get(id)!
    const k = key(n)
    let hits = n.hitCount ?? 0
    const fresh = !onStack.has(k)
    if (fresh) onStack.add(k)
    for (const c of n.children ?? []) hits += walk(c, onStack)
    if (fresh) {
      onStack.delete(k)
      inclusive.set(k, (inclusive.get(k) ?? 0) + hits)
    }
    return hits
  }
  const root = profile.nodes[0]
  if (root) walk(root.id, new Set())
  const pct = (h: number) => `${((h / totalHits) * 100).toFixed(1)}%`
  const rows = (m: Map<string, number>, filter: (k: string) => boolean = () => true) =>
    [...m].filter(([k]) => filter(k)).sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, h]) => [k, pct(h)])
  // Servers run from esbuild bundles (node_modules/.cache/meshdojo-bench/…): those frames are ours too.
  const ours = (k: string) => / (mesh|sim|bookinfo|bench)\//.test(k) || k.includes('.cache/meshdojo')
  return [
    'Self time (top functions)',
    table(['function', 'self'], rows(self)),
    '',
    "Inclusive time, meshdojo's own functions",
    table(['function', 'inclusive'], rows(inclusive, ours)),
    '',
    'Self time by file',
    table(['file', 'self'], rows(files)),
  ].join('\n')
}
