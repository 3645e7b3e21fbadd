/**
 * Command-line options and the three modes: `full` (the real measurement, ~10 min), `quick`
 * (< 2 min, same shape with shorter phases) and `smoke` (a few hundred requests per phase,
 * seconds in total, no PASS/FAIL; what CI runs).
 */
import { parseArgs } from 'node:util'
import type { DriverName } from './load/types.ts'
import type { Runtime } from './proc/sut.ts'
import type { SettlePolicy } from './settle.ts'

export type Mode = 'full' | 'quick' | 'smoke'

/** One load phase: a duration, or (smoke) a request count. */
export interface Phase {
  readonly durationS?: number
  readonly requests?: number
}

export interface BenchOptions {
  readonly mode: Mode
  /** Each configuration is measured this many times, alternating order; the median is reported. */
  readonly passes: number
  /** Measure a third time when two passes disagree by more than 15% (full runs). */
  readonly tieBreak: boolean
  /** Passes that also measure latency (unloaded and paced); the rest measure saturation only. */
  readonly latencyPasses: number
  /** Warm-up before every measurement of an already warm process. */
  readonly warmup: Phase
  /** The first warm-up of a fresh process: until CPU per request stops falling (none in smoke mode). */
  readonly settle?: SettlePolicy
  readonly saturation: Phase
  readonly unloaded: Phase
  readonly paced: Phase
  /** The paced phase is split into this many runs and each percentile is their median, so one
   *  scheduling stall on a shared machine does not become the p99 of the whole configuration. */
  readonly pacedRuns: number
  /** Connections for saturation and paced runs (the reference's 16). */
  readonly connections: number
  /** Think time per connection in paced runs: 16 connections / (15 ms + latency) ≈ 1000 rps. */
  readonly thinkMs: number
  /** Mesh sizes for the memory/CPU scaling runs (0, the baseline, is always added). */
  readonly scaleSizes: readonly number[]
  /** Passes of the Bookinfo pair (alternating order). */
  readonly bookinfoPasses: number
  /** Saturation passes per mesh size (alternating order). */
  readonly scalePasses: number
  /** Requests per service (on 8 connections) before memory is read. */
  readonly scaleWarmRequests: number
  readonly scaleWarmConnections: number
  /** Idle-CPU window of the whole demo, load off and on. */
  readonly idleS: number
  /** How servers run: as `npm start` does (esbuild bundle, 2 MB semi-spaces) or through tsx. */
  readonly runtime: Runtime
  /** Pin generator (CPU 0) and servers (CPU 1) with taskset. */
  readonly pin: boolean
  /** Try `apt-get install wrk nginx` when they are missing. */
  readonly install: boolean
  /** Force a driver (default: wrk when installed, else autocannon; smoke: in-process). */
  readonly driver?: DriverName
  /** Only these configuration ids (and sections `bookinfo`, `scale`), if given. */
  readonly only?: readonly string[]
  /** Where the JSON goes; undefined: nowhere. */
  readonly out?: string
  /** Exit non-zero when a target fails. */
  readonly strict: boolean
  /** Run this configuration under `node --cpu-prof` and print its hottest functions, then exit. */
  readonly profile?: string
  readonly log: (line: string) => void
}

export const GENERATOR_CPU = 0
export const SERVER_CPU = 1

export function modeDefaults(mode: Mode): Omit<BenchOptions, 'pin' | 'install' | 'driver' | 'only' | 'out' | 'strict' | 'profile' | 'log'> {
  const common = { mode, connections: 16, thinkMs: 15, runtime: 'bundle' as Runtime }
  if (mode === 'full') {
    return {
      ...common,
      // Four short saturation passes rather than two long ones: on a shared VM a slow spell of a few
      // seconds spoils one pass, and the median of four shrugs it off where the mean of two cannot.
      passes: 4,
      tieBreak: true, // with `--passes 2`
      latencyPasses: 2,
      warmup: { durationS: 2 },
      settle: { stepS: 1, minS: 5, maxS: 20, gain: 0.1 },
      saturation: { durationS: 4 },
      unloaded: { durationS: 4 },
      paced: { durationS: 2 },
      pacedRuns: 4,
      scaleSizes: [10, 50, 200],
      scalePasses: 2,
      bookinfoPasses: 2,
      scaleWarmRequests: 64,
      scaleWarmConnections: 8,
      idleS: 10,
    }
  }
  if (mode === 'quick') {
    return {
      ...common,
      passes: 2,
      tieBreak: false,
      latencyPasses: 1,
      // The settled first warm-up is the only one: a second 1 s warm-up per pass would not fit in two minutes.
      warmup: {},
      settle: { stepS: 1, minS: 2, maxS: 3, gain: 0.1 },
      saturation: { durationS: 1 },
      unloaded: { durationS: 1 },
      paced: { durationS: 1 },
      pacedRuns: 1,
      // N=200 alone takes many seconds to start (every endpoint change reaches every sidecar).
      scaleSizes: [10, 50, 100],
      scalePasses: 1,
      bookinfoPasses: 1,
      scaleWarmRequests: 16,
      scaleWarmConnections: 8,
      idleS: 1,
    }
  }
  return {
    ...common,
    connections: 4,
    thinkMs: 1,
    passes: 1,
    tieBreak: false,
    latencyPasses: 1,
    warmup: { requests: 50 },
    saturation: { requests: 300 },
    unloaded: { requests: 50 },
    paced: { requests: 50 },
    pacedRuns: 1,
    scaleSizes: [2, 4],
    scalePasses: 1,
    bookinfoPasses: 1,
    scaleWarmRequests: 8,
    scaleWarmConnections: 2,
    idleS: 0.5,
  }
}

export const USAGE = `Usage: npm run bench -- [options]

  --quick            reduced run, under two minutes
  --smoke            a few hundred requests per configuration, no PASS/FAIL (what CI runs)
  --passes N         saturation passes per configuration, alternating order (full 4, quick 2);
                     the median is reported; with 2, passes >15% apart get a third (full)
  --only a,b         only these configurations/sections: ceiling direct undiciHop hop1 mesh
                     meshFull meshLink httpProxy nginx bookinfo scale
  --driver D         wrk | autocannon | inproc (default: wrk if installed, else autocannon)
  --tsx              run the servers through tsx (default: bundled by esbuild, as npm start
                     runs meshdojo; the demo also with npm start's 2 MB semi-spaces)
  --no-pin           do not pin generator and servers to CPUs 0 and 1
  --no-install       do not try apt-get install wrk nginx
  --out FILE         JSON results (default bench/results/latest.json; smoke: none)
  --strict           exit 1 when a target fails
  --profile ID       profile one configuration with node --cpu-prof and print its hot spots
  -h, --help
`

export function parseOptions(argv: readonly string[], log: (line: string) => void): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean' },
      smoke: { type: 'boolean' },
      passes: { type: 'string' },
      only: { type: 'string' },
      driver: { type: 'string' },
      'no-pin': { type: 'boolean' },
      tsx: { type: 'boolean' },
      'no-install': { type: 'boolean' },
      out: { type: 'string' },
      strict: { type: 'boolean' },
      profile: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) return 'help'
  const mode: Mode = values.smoke ? 'smoke' : values.quick ? 'quick' : 'full'
  const defaults = modeDefaults(mode)
  const driver = values.driver as DriverName | undefined
  if (driver && !['wrk', 'autocannon', 'inproc'].includes(driver)) throw new Error(`--driver must be wrk, autocannon or inproc, got "${driver}"`)
  const passes = values.passes === undefined ? defaults.passes : Number(values.passes)
  if (!Number.isInteger(passes) || passes < 1 || passes > 10) throw new Error(`--passes must be 1..10, got "${values.passes}"`)
  const explicit = values.passes !== undefined
  return {
    ...defaults,
    passes,
    // An explicit --passes applies to every section.
    bookinfoPasses: explicit ? passes : defaults.bookinfoPasses,
    scalePasses: explicit ? passes : defaults.scalePasses,
    pin: !values['no-pin'],
    runtime: values.tsx ? 'tsx' : 'bundle',
    install: !values['no-install'] && mode !== 'smoke',
    driver: driver ?? (mode === 'smoke' ? 'inproc' : undefined),
    only: values.only?.split(',').map((s) => s.trim()).filter(Boolean),
    out: values.out ?? (mode === 'smoke' ? undefined : new URL('./results/latest.json', import.meta.url).pathname),
    strict: values.strict ?? false,
    profile: values.profile,
    log,
  }
}
