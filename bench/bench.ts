/**
 * The benchmark as a function (the CLI and the smoke test both call it): detects tools, runs the
 * sections the options ask for, and returns every figure with its ratios and target verdicts.
 */
import { spawnSync } from 'node:child_process'
import os from 'node:os'
import { detectTools } from './tools.ts'
import { pickDrivers } from './load/drivers.ts'
import type { BenchOptions } from './options.ts'
import { GENERATOR_CPU } from './options.ts'
import { pinSelf } from './proc/processes.ts'
import { stopBundler } from './proc/bundle.ts'
import { cpuShares, machineCpu } from './proc/machine.ts'
import { runPaths, type PathRun } from './sections/paths.ts'
import { runBookinfo, type BookinfoRun } from './sections/bookinfo.ts'
import { runScale, type ScaleRun } from './sections/scale.ts'
import { summarizeBookinfo, summarizePaths, summarizeScale, type PathSummary } from './report/summarize.ts'
import { evaluateTargets, floorNote } from './report/targets.ts'
import type { BenchResults } from './results.ts'

export async function runBench(options: BenchOptions): Promise<BenchResults> {
  const started = Date.now()
  const git = gitState() // before the run: others may commit while it runs
  const cpuStart = machineCpu()
  const loadAvgStart = os.loadavg()[0]!
  const tools = detectTools({ install: options.install, log: options.log })
  const pinned = options.pin && tools.taskset && os.cpus().length >= 2
  // The harness (and the in-process driver) stays off the servers' core.
  if (pinned) pinSelf(GENERATOR_CPU)
  const drivers = pickDrivers({ forced: options.driver, wrk: tools.wrk, pin: pinned })
  const opts: BenchOptions = { ...options, pin: pinned }
  const wants = (section: string) => !options.only || options.only.includes(section)
  const notes: string[] = [...tools.notes]

  const paths = await runPaths(opts, drivers, tools.nginx)
  notes.push(...paths.notes)
  let bookinfo: BookinfoRun | undefined
  if (wants('bookinfo')) bookinfo = await runBookinfo(opts, drivers)
  let scale: ScaleRun | undefined
  if (wants('scale')) scale = await runScale(opts, drivers)

  await stopBundler()
  const pathSummaries = summarizePaths(paths.runs)
  const bookinfoSummary = bookinfo ? summarizeBookinfo(bookinfo, pathSummaries) : undefined
  const scaleSummary = scale ? summarizeScale(scale) : undefined
  const targets = evaluateTargets(pathSummaries, bookinfoSummary, scaleSummary)
  const shares = cpuShares(cpuStart, machineCpu())
  const loadAvgEnd = os.loadavg()[0]!
  notes.push(...qualityNotes(pathSummaries, paths.runs, loadAvgStart, shares.stealPct))
  const unreachable = options.mode === 'smoke' ? undefined : floorNote(targets)
  if (unreachable) notes.push(unreachable)
  if (drivers.saturation.name === 'autocannon') notes.push('autocannon resolves latency in whole milliseconds; latency rows use the in-process driver (µs)')
  if (bookinfoSummary && bookinfoSummary.errors > 0) notes.push(`Bookinfo: ${bookinfoSummary.errors} errors or non-2xx pages`)
  return {
    version: 1,
    mode: options.mode,
    passes: options.passes,
    startedAt: new Date(started).toISOString(),
    durationS: (Date.now() - started) / 1000,
    environment: {
      ...git,
      node: process.version,
      runtime: options.runtime,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      pinned,
      wrk: tools.wrk,
      nginx: tools.nginx,
      saturationDriver: drivers.saturation.name,
      latencyDriver: drivers.latency.name,
      loadAvgStart,
      loadAvgEnd,
      stealPct: shares.stealPct,
      machineBusyPct: shares.busyPct,
    },
    paths: pathSummaries,
    bookinfo: bookinfoSummary,
    scale: scaleSummary,
    targets,
    notes,
    raw: { paths: paths.runs, bookinfo, scale },
  }
}

/** Which code was measured: the commit, and whether the work tree had uncommitted changes. */
function gitState(): { gitCommit?: string; gitDirtyFiles?: number } {
  const cwd = new URL('../', import.meta.url).pathname
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, encoding: 'utf8' })
  if (head.status !== 0) return {}
  const status = spawnSync('git', ['status', '--porcelain', '--', '.', ':!bench'], { cwd, encoding: 'utf8' })
  return { gitCommit: head.stdout.trim(), gitDirtyFiles: status.status === 0 ? status.stdout.split('\n').filter(Boolean).length : undefined }
}

function qualityNotes(paths: readonly PathSummary[], runs: readonly PathRun[], loadAvg: number, stealPct: number | undefined): string[] {
  const notes: string[] = []
  for (const p of paths) {
    if (p.rpsSpread !== undefined && p.rpsSpread > 0.1) notes.push(`${p.id}: passes differ by ${(p.rpsSpread * 100).toFixed(0)}% in RPS (noisy machine?); the median is shown`)
    if (p.errors > 0) notes.push(`${p.id}: ${p.errors} errors or non-2xx responses`)
  }
  const direct = paths.find((p) => p.id === 'direct')
  if (direct?.generatorCpuPct !== undefined && direct.generatorCpuPct > 90) {
    notes.push(`the generator used ${direct.generatorCpuPct.toFixed(0)}% of its core against direct: direct's RPS may be generator-bound`)
  }
  if (loadAvg > 1.5) notes.push(`1-minute load average was ${loadAvg.toFixed(2)} at start: other work was running on this 2-vCPU machine`)
  if (stealPct !== undefined && stealPct > 2) notes.push(`the hypervisor stole ${stealPct.toFixed(1)}% of CPU time during the run`)
  void runs
  return notes
}
