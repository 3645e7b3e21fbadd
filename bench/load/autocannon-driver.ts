/** autocannon (programmatic API) in a separate child pinned to the generator CPU: the fallback when wrk is missing. */
import { fileURLToPath } from 'node:url'
import { cpuMicros } from '../proc/proc-stat.ts'
import { spawnTracked } from '../proc/processes.ts'
import type { Driver, LoadResult, LoadSpec } from './types.ts'

const CHILD = fileURLToPath(new URL('./autocannon-child.ts', import.meta.url))
const RUN_TS = fileURLToPath(new URL('../../bin/run-ts.js', import.meta.url))

export function autocannonDriver(options: { pin: boolean; cpu: number }): Driver {
  return { name: 'autocannon', run: (spec) => runAutocannon(spec, options) }
}

async function runAutocannon(spec: LoadSpec, options: { pin: boolean; cpu: number }): Promise<LoadResult> {
  const child = spawnTracked({ command: process.execPath, args: [RUN_TS, CHILD, JSON.stringify(spec)], cpu: options.cpu }, options.pin)
  let stdout = ''
  let stderr = ''
  let startCpu: number | undefined
  let lastCpu: number | undefined
  // Sample the generator's CPU while it runs; the last reading before exit is within 250 ms of the end.
  const poll = setInterval(() => (lastCpu = cpuMicros(child.pid!) ?? lastCpu), 250)
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString()
    if (startCpu === undefined && stdout.includes('BENCH_AC_START')) startCpu = cpuMicros(child.pid!)
  })
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)))
  clearInterval(poll)
  const line = /BENCH_AC (\{.*\})/.exec(stdout)
  if (code !== 0 || !line) throw new Error(`autocannon failed (exit ${code}): ${stderr.trim()}`)
  const r = JSON.parse(line[1]!) as Record<string, number>
  const durationS = r.durationS!
  return {
    driver: 'autocannon',
    requests: r.requests!,
    durationS,
    rps: r.requests! / durationS,
    errors: r.errors!,
    non2xx: r.non2xx!,
    p50Ms: r.p50!,
    p90Ms: r.p90!,
    p99Ms: r.p99!,
    maxMs: r.max!,
    resolutionMs: 1,
    generatorCpuPct: lastCpu === undefined || startCpu === undefined ? undefined : ((lastCpu - startCpu) / 1e6 / durationS) * 100,
  }
}
