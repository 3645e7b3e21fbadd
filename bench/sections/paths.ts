/**
 * Configurations 1–7: every path measured in the same run, each `passes` times in alternating order:
 * saturation (16 connections), unloaded (1 connection) and paced (~1000 rps: 16 connections with
 * think time). Each process is first warmed until steady (see settle.ts), later passes get a short
 * warm-up. In full runs, a configuration whose two passes disagree by more than 15% in RPS is
 * measured a third time; quick runs measure latency in the first pass only.
 */
import { measure, measureRuns, specFor, type Measured } from '../measure.ts'
import { needsTieBreak, TIE_BREAK_SPREAD } from '../stats.ts'
import { Warmer, type Settled } from '../settle.ts'
import type { Drivers } from '../load/drivers.ts'
import type { BenchOptions } from '../options.ts'
import { PATH_CONFIGS, startPaths, type PathConfig, type PathId } from './path-configs.ts'

export interface PathSample {
  readonly pass: number
  readonly saturation: Measured
  readonly unloaded?: Measured
  readonly paced?: Measured
}

export interface PathRun {
  readonly config: PathConfig
  readonly samples: PathSample[]
  /** RSS of the configuration's Node process after the runs, bytes. */
  rssBytes?: number
  /** The first warm-up, until steady (absent in smoke mode). */
  warm?: Settled
}

export async function runPaths(options: BenchOptions, drivers: Drivers, nginx: boolean): Promise<{ runs: PathRun[]; notes: string[] }> {
  const configs = PATH_CONFIGS.filter((c) => !options.only || options.only.includes(c.id) || (c.id === 'direct' && options.only.some((o) => o !== 'bookinfo' && o !== 'scale')))
  if (configs.length === 0) return { runs: [], notes: [] }
  options.log(`bench: starting ${configs.length} configurations`)
  const running = await startPaths(configs, { pin: options.pin, nginx, runtime: options.runtime, startTogether: options.mode === 'smoke' ? 8 : 2 })
  const notes = [...running.notes]
  const runs = new Map<PathId, PathRun>()
  try {
    const live = configs.filter((c) => running.targets.has(c.id))
    const warmer = new Warmer(drivers.saturation, options)
    const measureOne = async (config: PathConfig, pass: number, of: number) => {
      const target = running.targets.get(config.id)!
      await warmer.warm(config.id, target)
      const saturation = await measure(drivers.saturation, target, specFor(target, options.saturation, options.connections))
      const latency = config.latency && pass < options.latencyPasses
      const unloaded = latency ? await measure(drivers.latency, target, specFor(target, options.unloaded, 1)) : undefined
      const paced = latency ? await measureRuns(drivers.latency, target, specFor(target, options.paced, options.connections, options.thinkMs), options.pacedRuns) : undefined
      const run = runs.get(config.id) ?? { config, samples: [], warm: warmer.settled.get(config.id) }
      run.samples.push({ pass, saturation, unloaded, paced })
      runs.set(config.id, run)
      options.log(
        `bench: pass ${pass + 1}/${of} ${config.id.padEnd(9)} ${Math.round(saturation.rps).toString().padStart(6)} rps` +
          ` ${saturation.cpuUsPerReq.toFixed(0).padStart(4)} µs/req` +
          (unloaded ? ` c1 p50 ${unloaded.p50Ms.toFixed(3)} ms` : '') +
          (paced ? ` paced ${Math.round(paced.rps)} rps p50/p99 ${paced.p50Ms.toFixed(2)}/${paced.p99Ms.toFixed(2)} ms` : '') +
          (saturation.errors + saturation.non2xx > 0 ? ` ERRORS ${saturation.errors}/${saturation.non2xx}` : ''),
      )
    }
    for (let pass = 0; pass < options.passes; pass++) {
      for (const config of pass % 2 === 0 ? live : [...live].reverse()) await measureOne(config, pass, options.passes)
    }
    const warmNote = warmer.note()
    if (warmNote) notes.push(warmNote)
    if (options.tieBreak && options.passes === 2) {
      const disputed = live.filter((c) => needsTieBreak(runs.get(c.id)?.samples.map((x) => x.saturation.rps) ?? []))
      if (disputed.length > 0) notes.push(`third pass for ${disputed.map((c) => c.id).join(', ')}: their first two passes differed by more than ${TIE_BREAK_SPREAD * 100}% in RPS`)
      for (const config of disputed) await measureOne(config, 2, 3)
    }
    for (const [id, sut] of running.suts) {
      const run = runs.get(id)
      if (run) run.rssBytes = (await sut.stats()).memory.rss
    }
  } finally {
    await running.close()
  }
  return { runs: [...runs.values()], notes }
}
