/**
 * Raw samples → the figures the report prints: medians across passes, costs per hop, ratios to
 * direct and to nginx, the Bookinfo per-page decomposition and the per-service memory slopes.
 */
import type { PathRun } from '../sections/paths.ts'
import type { BookinfoRun, DemoFigures } from '../sections/bookinfo.ts'
import type { ScaleRun } from '../sections/scale.ts'
import { median, medianOf, ratio, spread } from '../stats.ts'

export interface PathSummary {
  readonly id: string
  readonly label: string
  readonly hops: number
  readonly passes: number
  /** Saturation (closed loop, 16 connections). */
  readonly rps?: number
  readonly rpsPerPass: readonly number[]
  /** (max/min − 1) of RPS across passes. */
  readonly rpsSpread?: number
  readonly rpsToDirect?: number
  readonly rpsToNginx?: number
  readonly cpuUsPerReq?: number
  /** (this − direct) / hops. */
  readonly cpuUsAddedPerHop?: number
  readonly generatorCpuPct?: number
  readonly saturationEventLoopP99Ms?: number
  /** 1 connection. */
  readonly unloadedP50Ms?: number
  readonly unloadedAddedPerHopMs?: number
  /** ~1000 rps: 16 connections with think time. */
  readonly pacedRps?: number
  readonly pacedP50Ms?: number
  readonly pacedP90Ms?: number
  readonly pacedP99Ms?: number
  readonly pacedAddedP50Ms?: number
  readonly pacedAddedP90Ms?: number
  readonly pacedAddedP99Ms?: number
  /** Server CPU at the paced rate, in cores per 1000 rps (Istio's "vCPU per 1000 rps"). */
  readonly vcpuPer1000Rps?: number
  readonly pacedEventLoopP99Ms?: number
  readonly rssBytes?: number
  readonly errors: number
}

export interface BookinfoSummary {
  readonly pagesPerS?: number
  readonly barePagesPerS?: number
  readonly pagesToBare?: number
  readonly cpuUsPerPage?: number
  readonly bareCpuUsPerPage?: number
  readonly hopsPerPage?: number
  readonly handlersPerPage?: number
  /** From the mesh path: (mesh − direct) / 2. */
  readonly cpuUsPerHop?: number
  /** Bookinfo's own apps (no mesh) + hops × cost per hop. */
  readonly predictedCpuUsPerPage?: number
  readonly actualToPredicted?: number
  /** The same with the hop cost of the mesh path with every filter and telemetry sink (as in the demo). */
  readonly predictedFullCpuUsPerPage?: number
  readonly cpuUsPerHopFull?: number
  /** The simple model: hops × hop cost + handlers × the 182-byte app's cost. */
  readonly modelCpuUsPerPage?: number
  readonly meshUnloadedP50Ms?: number
  readonly bareUnloadedP50Ms?: number
  readonly errors: number
  readonly demo: DemoFigures
}

export interface ScaleSummaryPoint {
  readonly services: number
  readonly startMs: number
  readonly rssWarmBytes: number
  readonly rssPerServiceBytes: number
  readonly heapPerServiceBytes: number
  readonly cpuUsPerReq?: number
  readonly cpuToSmallest?: number
  readonly eventLoopP99Ms?: number
}

export interface ScaleSummary {
  readonly baseRssBytes: number
  readonly baseHeapBytes: number
  readonly points: readonly ScaleSummaryPoint[]
  /** RSS added per service between consecutive sizes, bytes. */
  readonly slopes: readonly { readonly from: number; readonly to: number; readonly rssPerServiceBytes: number; readonly heapPerServiceBytes: number }[]
}

export function summarizePaths(runs: readonly PathRun[]): PathSummary[] {
  const raw = runs.map((run) => {
    const s = run.samples
    return {
      run,
      rps: medianOf(s, (x) => x.saturation.rps),
      cpu: medianOf(s, (x) => x.saturation.cpuUsPerReq),
      c1: medianOf(s, (x) => x.unloaded?.p50Ms),
      p50: medianOf(s, (x) => x.paced?.p50Ms),
      p90: medianOf(s, (x) => x.paced?.p90Ms),
      p99: medianOf(s, (x) => x.paced?.p99Ms),
    }
  })
  const direct = raw.find((r) => r.run.config.id === 'direct')
  const nginx = raw.find((r) => r.run.config.id === 'nginx')
  return raw.map(({ run, rps, cpu, c1, p50, p90, p99 }) => {
    const s = run.samples
    const hops = run.config.hops
    const perHop = (v: number | undefined, d: number | undefined) => (hops > 0 && v !== undefined && d !== undefined ? (v - d) / hops : undefined)
    const minus = (v: number | undefined, d: number | undefined) => (hops > 0 && v !== undefined && d !== undefined ? v - d : undefined)
    const pacedRps = medianOf(s, (x) => x.paced?.rps)
    const pacedCpuCores = medianOf(s, (x) => (x.paced ? x.paced.serverCpuPct / 100 : undefined))
    return {
      id: run.config.id,
      label: run.config.label,
      hops,
      passes: s.length,
      rps,
      rpsPerPass: s.map((x) => x.saturation.rps),
      rpsSpread: spread(s.map((x) => x.saturation.rps)),
      rpsToDirect: ratio(rps, direct?.rps),
      rpsToNginx: ratio(rps, nginx?.rps),
      cpuUsPerReq: cpu,
      cpuUsAddedPerHop: perHop(cpu, direct?.cpu),
      generatorCpuPct: medianOf(s, (x) => x.saturation.generatorCpuPct),
      saturationEventLoopP99Ms: medianOf(s, (x) => x.saturation.eventLoopP99Ms),
      unloadedP50Ms: c1,
      unloadedAddedPerHopMs: perHop(c1, direct?.c1),
      pacedRps,
      pacedP50Ms: p50,
      pacedP90Ms: p90,
      pacedP99Ms: p99,
      pacedAddedP50Ms: minus(p50, direct?.p50),
      pacedAddedP90Ms: minus(p90, direct?.p90),
      pacedAddedP99Ms: minus(p99, direct?.p99),
      vcpuPer1000Rps: pacedRps && pacedCpuCores !== undefined ? pacedCpuCores / (pacedRps / 1000) : undefined,
      pacedEventLoopP99Ms: medianOf(s, (x) => x.paced?.eventLoopP99Ms),
      rssBytes: run.rssBytes,
      errors: s.reduce((n, x) => n + x.saturation.errors + x.saturation.non2xx + (x.paced ? x.paced.errors + x.paced.non2xx : 0) + (x.unloaded ? x.unloaded.errors + x.unloaded.non2xx : 0), 0),
    }
  })
}

export function summarizeBookinfo(run: BookinfoRun, paths: readonly PathSummary[]): BookinfoSummary {
  const s = run.samples
  const mesh = paths.find((p) => p.id === 'mesh')
  const full = paths.find((p) => p.id === 'meshFull')
  const direct = paths.find((p) => p.id === 'direct')
  const cpuUsPerHop = mesh?.cpuUsAddedPerHop
  const pagesPerS = medianOf(s, (x) => x.mesh.rps)
  const barePagesPerS = medianOf(s, (x) => x.bare.rps)
  const cpuUsPerPage = medianOf(s, (x) => x.mesh.cpuUsPerReq)
  const bareCpuUsPerPage = medianOf(s, (x) => x.bare.cpuUsPerReq)
  const hopsPerPage = medianOf(s, (x) => x.mesh.hopsPerPage)
  const handlersPerPage = medianOf(s, (x) => x.mesh.handlersPerPage)
  const predicted = bareCpuUsPerPage !== undefined && hopsPerPage !== undefined && cpuUsPerHop !== undefined ? bareCpuUsPerPage + hopsPerPage * cpuUsPerHop : undefined
  const model =
    hopsPerPage !== undefined && handlersPerPage !== undefined && cpuUsPerHop !== undefined && direct?.cpuUsPerReq !== undefined
      ? hopsPerPage * cpuUsPerHop + handlersPerPage * direct.cpuUsPerReq
      : undefined
  return {
    pagesPerS,
    barePagesPerS,
    pagesToBare: ratio(pagesPerS, barePagesPerS),
    cpuUsPerPage,
    bareCpuUsPerPage,
    hopsPerPage,
    handlersPerPage,
    cpuUsPerHop,
    predictedCpuUsPerPage: predicted,
    cpuUsPerHopFull: full?.cpuUsAddedPerHop,
    predictedFullCpuUsPerPage:
      bareCpuUsPerPage !== undefined && hopsPerPage !== undefined && full?.cpuUsAddedPerHop !== undefined ? bareCpuUsPerPage + hopsPerPage * full.cpuUsAddedPerHop : undefined,
    actualToPredicted: ratio(cpuUsPerPage, predicted),
    modelCpuUsPerPage: model,
    meshUnloadedP50Ms: medianOf(s, (x) => x.meshUnloaded.p50Ms),
    bareUnloadedP50Ms: medianOf(s, (x) => x.bareUnloaded.p50Ms),
    errors: s.reduce((n, x) => n + x.mesh.errors + x.mesh.non2xx + x.bare.errors + x.bare.non2xx, 0),
    demo: run.demo,
  }
}

export function summarizeScale(run: ScaleRun): ScaleSummary {
  const points = run.points.map((p) => ({
    services: p.services,
    startMs: p.startMs,
    rssWarmBytes: p.rssWarmBytes,
    rssPerServiceBytes: (p.rssWarmBytes - run.base.rssBytes) / p.services,
    heapPerServiceBytes: (p.heapUsedAfterGcBytes - run.base.heapUsedAfterGcBytes) / p.services,
    cpuUsPerReq: median(p.samples.map((m) => m.cpuUsPerReq)),
    eventLoopP99Ms: median(p.samples.map((m) => m.eventLoopP99Ms ?? NaN)),
  }))
  const smallest = points[0]?.cpuUsPerReq
  const slopes = run.points.slice(1).map((p, i) => {
    const prev = run.points[i]!
    const dn = p.services - prev.services
    return {
      from: prev.services,
      to: p.services,
      rssPerServiceBytes: (p.rssWarmBytes - prev.rssWarmBytes) / dn,
      heapPerServiceBytes: (p.heapUsedAfterGcBytes - prev.heapUsedAfterGcBytes) / dn,
    }
  })
  return {
    baseRssBytes: run.base.rssBytes,
    baseHeapBytes: run.base.heapUsedAfterGcBytes,
    points: points.map((p) => ({ ...p, cpuToSmallest: ratio(p.cpuUsPerReq, smallest) })),
    slopes,
  }
}
