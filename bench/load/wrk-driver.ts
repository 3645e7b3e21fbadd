/**
 * wrk 4 as the load generator, pinned to the generator CPU. A generated Lua script adds the pacing
 * (`delay()`, wrk's think time) and prints the summary as JSON from `done()`. wrk runs under a
 * shell that reports its children's CPU (cutime + stime) when wrk has exited, to tell whether the
 * generator was the bottleneck.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import { childrenCpuMicros } from '../proc/proc-stat.ts'
import { hasTaskset, makeTempDir, removeTempDir, spawnTracked } from '../proc/processes.ts'
import type { Driver, LoadResult, LoadSpec } from './types.ts'

export interface WrkOptions {
  readonly pin: boolean
  /** CPU for wrk. */
  readonly cpu: number
}

export const hasWrk = (): boolean => spawnSync('sh', ['-c', 'command -v wrk'], { stdio: 'ignore' }).status === 0

export function wrkDriver(options: WrkOptions): Driver {
  return { name: 'wrk', run: (spec) => runWrk(spec, options) }
}

function luaScript(spec: LoadSpec): string {
  const pacing = spec.thinkMs ? `function delay() return ${Math.round(spec.thinkMs)} end\n` : ''
  return `${pacing}function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('BENCH_WRK {"requests":%d,"durationUs":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50":%.1f,"p90":%.1f,"p99":%.1f,"max":%.1f}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
`
}

async function runWrk(spec: LoadSpec, options: WrkOptions): Promise<LoadResult> {
  const dir = makeTempDir('meshdojo-wrk-')
  try {
    const script = join(dir, 'bench.lua')
    writeFileSync(script, luaScript(spec))
    const durationS = Math.max(1, Math.round(spec.durationS ?? 5))
    const args = ['-t1', `-c${spec.connections}`, `-d${durationS}s`, '--timeout', '10s', '-s', script]
    if (spec.host) args.push('-H', `Host: ${spec.host}`)
    args.push(spec.url)
    const pin = options.pin && hasTaskset() ? `taskset -c ${options.cpu} ` : ''
    // `read` is a shell builtin: the shell's own stat, with wrk (reaped) in its children's CPU.
    const shell = `${pin}wrk "$@"; s=$?; read -r st < /proc/$$/stat; echo "BENCH_STAT $st" >&2; exit $s`
    const child = spawnTracked({ command: 'sh', args: ['-c', shell, 'sh', ...args] }, false)
    let stdout = ''
    let stderr = ''
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)))
    const line = /BENCH_WRK (\{.*\})/.exec(stdout)
    if (code !== 0 || !line) throw new Error(`wrk failed (exit ${code}): ${stderr.trim() || stdout.trim()}`)
    const r = JSON.parse(line[1]!) as Record<string, number>
    const seconds = r.durationUs! / 1e6
    const stat = /BENCH_STAT (.*)/.exec(stderr)
    const cpu = stat ? childrenCpuMicros(stat[1]!) : undefined
    return {
      driver: 'wrk',
      requests: r.requests!,
      durationS: seconds,
      rps: r.requests! / seconds,
      errors: r.connect! + r.read! + r.write! + r.timeout!,
      non2xx: r.status!,
      p50Ms: r.p50! / 1000,
      p90Ms: r.p90! / 1000,
      p99Ms: r.p99! / 1000,
      maxMs: r.max! / 1000,
      resolutionMs: 0.001,
      generatorCpuPct: cpu === undefined ? undefined : (cpu / 1e6 / seconds) * 100,
    }
  } finally {
    removeTempDir(dir)
  }
}
