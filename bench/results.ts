/** Everything one run produced: environment, raw samples, summaries, targets. Written as JSON. */
import type { PathRun } from './sections/paths.ts'
import type { BookinfoRun } from './sections/bookinfo.ts'
import type { ScaleRun } from './sections/scale.ts'
import type { BookinfoSummary, PathSummary, ScaleSummary } from './report/summarize.ts'
import type { TargetCheck } from './report/targets.ts'
import type { Mode } from './options.ts'

export interface Environment {
  /** The commit measured, and how many files in the work tree differed from it. */
  readonly gitCommit?: string
  readonly gitDirtyFiles?: number
  readonly node: string
  /** `bundle`: as npm start (esbuild bundle, 2 MB semi-spaces); `tsx`: through bin/run-ts.js. */
  readonly runtime: string
  readonly cpus: number
  readonly cpuModel: string
  readonly pinned: boolean
  readonly wrk: boolean
  readonly nginx: boolean
  readonly saturationDriver: string
  readonly latencyDriver: string
  /** 1-minute load average at start and end: others' work on this machine shows here. */
  readonly loadAvgStart: number
  readonly loadAvgEnd: number
  /** Share of CPU time the hypervisor took (steal) over the run, from /proc/stat. */
  readonly stealPct?: number
  /** Whole-machine busy share over the run, % of all CPUs (the benchmark itself keeps about two cores busy). */
  readonly machineBusyPct?: number
}

export interface BenchResults {
  readonly version: 1
  readonly mode: Mode
  readonly passes: number
  readonly startedAt: string
  readonly durationS: number
  readonly environment: Environment
  readonly paths: readonly PathSummary[]
  readonly bookinfo?: BookinfoSummary
  readonly scale?: ScaleSummary
  readonly targets: readonly TargetCheck[]
  readonly notes: readonly string[]
  readonly raw: { readonly paths: readonly PathRun[]; readonly bookinfo?: BookinfoRun; readonly scale?: ScaleRun }
}
