/**
 * Configuration 8: Bookinfo product pages end to end through the ingress of a full demo
 * (`startMesh` + observability + admin API), next to the same apps without a mesh. Also the
 * demo's idle CPU with its background load off and on, and its RSS.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { measure, specFor, type LoadTarget, type Measured } from '../measure.ts'
import { Warmer } from '../settle.ts'
import type { Drivers } from '../load/drivers.ts'
import { SERVER_CPU, type BenchOptions, type Phase } from '../options.ts'
import { rssBytes, totalCpuMicros } from '../proc/proc-stat.ts'
import { Sut } from '../proc/sut.ts'

export interface PageSample {
  readonly pass: number
  readonly mesh: Measured & { readonly hopsPerPage: number; readonly handlersPerPage: number }
  readonly bare: Measured
  readonly meshUnloaded: Measured
  readonly bareUnloaded: Measured
}

export interface DemoFigures {
  readonly startMs: number
  /** % of one core over the idle window. */
  readonly idleCpuPctLoadOff: number
  readonly idleCpuPctLoadOn: number
  readonly rssAfterStartBytes: number
  readonly rssLightLoadBytes: number
  /** After the saturation runs (the warm demo). */
  readonly rssWarmBytes: number
  readonly heapUsedAfterGcBytes: number
  readonly bareRssWarmBytes: number
}

export interface BookinfoRun {
  readonly samples: PageSample[]
  readonly demo: DemoFigures
}

const cpuPct = async (pids: () => number[], seconds: number) => {
  const before = totalCpuMicros(pids())
  const t0 = performance.now()
  await sleep(seconds * 1000)
  return ((totalCpuMicros(pids()) - before) / 1e3 / (performance.now() - t0)) * 100
}

interface Recorded {
  readonly source: number
  readonly destination: number
  readonly pages: number
}

/** Telemetry counts a moment after the load stopped, so pages still in flight are counted whole. */
const recorded = async (sut: Sut): Promise<Recorded> => {
  await sleep(300)
  return (await sut.stats()).extra as unknown as Recorded
}

export async function runBookinfo(options: BenchOptions, drivers: Drivers): Promise<BookinfoRun> {
  options.log('bench: starting Bookinfo (full demo) and Bookinfo without a mesh')
  const [mesh, bare] = await Promise.all([
    Sut.start('bookinfo', 'bookinfo.ts', { pin: options.pin, cpu: SERVER_CPU, runtime: options.runtime, npmStartFlags: true }),
    Sut.start('bookinfo-bare', 'bookinfo-bare.ts', { pin: options.pin, cpu: SERVER_CPU, runtime: options.runtime, npmStartFlags: true }),
  ])
  try {
    await sleep(Math.min(1000, options.idleS * 1000))
    const rssAfterStartBytes = rssBytes(mesh.pid) ?? 0
    const idleCpuPctLoadOff = await cpuPct(() => mesh.pids(), options.idleS)
    await mesh.command('load-on')
    await sleep(Math.min(1000, options.idleS * 1000))
    const idleCpuPctLoadOn = await cpuPct(() => mesh.pids(), options.idleS)
    await mesh.command('load-off')
    const rssLightLoadBytes = rssBytes(mesh.pid) ?? 0
    options.log(`bench: demo idle CPU ${idleCpuPctLoadOff.toFixed(2)}% (load off), ${idleCpuPctLoadOn.toFixed(2)}% (2 pages/s)`)

    // A page costs ~30 plain requests: count-based (smoke) phases send a third as many pages.
    const pages = (phase: Phase): Phase => (phase.requests === undefined ? phase : { requests: Math.max(10, Math.ceil(phase.requests / 3)) })
    const target = (sut: Sut): LoadTarget => ({ url: `http://127.0.0.1:${sut.port}/productpage`, pids: () => sut.pids(), loop: sut })
    const samples: PageSample[] = []
    const warmer = new Warmer(drivers.saturation, options)
    for (let pass = 0; pass < options.bookinfoPasses; pass++) {
      const order = pass % 2 === 0 ? (['bare', 'mesh'] as const) : (['mesh', 'bare'] as const)
      const got: Partial<Record<'bare' | 'mesh', { sat: Measured; c1: Measured; hops?: number; handlers?: number }>> = {}
      for (const which of order) {
        const sut = which === 'mesh' ? mesh : bare
        const t = target(sut)
        await warmer.warm(`bookinfo-${which}`, t, pages(options.warmup))
        const before = which === 'mesh' ? await recorded(sut) : undefined
        const sat = await measure(drivers.saturation, t, specFor(t, pages(options.saturation), options.connections))
        const after = which === 'mesh' ? await recorded(sut) : undefined
        const c1 = await measure(drivers.latency, t, specFor(t, pages(options.unloaded), 1))
        got[which] = {
          sat,
          c1,
          // Per page the gateway served (not per page the driver counted: some finish after it stops).
          hops: before && after ? (after.source + after.destination - before.source - before.destination) / Math.max(1, after.pages - before.pages) : undefined,
          handlers: before && after ? (after.destination - before.destination) / Math.max(1, after.pages - before.pages) : undefined,
        }
        options.log(
          `bench: pass ${pass + 1}/${options.bookinfoPasses} bookinfo-${which.padEnd(4)} ${Math.round(sat.rps)} pages/s ${sat.cpuUsPerReq.toFixed(0)} µs/page` +
            (sat.errors + sat.non2xx > 0 ? ` ERRORS ${sat.errors}/${sat.non2xx}` : ''),
        )
      }
      samples.push({
        pass,
        mesh: { ...got.mesh!.sat, hopsPerPage: got.mesh!.hops ?? 0, handlersPerPage: got.mesh!.handlers ?? 0 },
        bare: got.bare!.sat,
        meshUnloaded: got.mesh!.c1,
        bareUnloaded: got.bare!.c1,
      })
    }
    const rssWarmBytes = rssBytes(mesh.pid) ?? 0
    const heap = await mesh.command<NodeJS.MemoryUsage>('gc')
    return {
      samples,
      demo: {
        startMs: Number(mesh.ready.extra?.startMs ?? 0),
        idleCpuPctLoadOff,
        idleCpuPctLoadOn,
        rssAfterStartBytes,
        rssLightLoadBytes,
        rssWarmBytes,
        heapUsedAfterGcBytes: heap.heapUsed,
        bareRssWarmBytes: rssBytes(bare.pid) ?? 0,
      },
    }
  } finally {
    await Promise.all([mesh.close(), bare.close()])
  }
}
