/** The human-readable report: four tables, the demo line, the targets, and the notes. */
import type { BenchResults } from '../results.ts'
import { fmt, mb, pctOf, signed, table } from './table.ts'

export function render(results: BenchResults): string {
  const out: string[] = []
  const { paths, bookinfo, scale, targets, environment } = results
  out.push(
    `meshdojo bench (${results.mode}) — commit ${environment.gitCommit ?? '?'}${environment.gitDirtyFiles ? ` + ${environment.gitDirtyFiles} changed files` : ''}, ` +
      `${environment.node} (${environment.runtime === 'tsx' ? 'servers via tsx' : 'servers bundled as npm start runs them, demo with 2 MB semi-spaces'}), ${environment.cpus} CPUs, driver ${environment.saturationDriver}/${environment.latencyDriver}` +
      `${environment.pinned ? ', generator on CPU 0, servers on CPU 1' : ', not pinned'}, ${results.passes} pass(es), median shown`,
    `machine: load average ${environment.loadAvgStart.toFixed(2)} at start, ${environment.loadAvgEnd.toFixed(2)} at end; ` +
      `all CPUs ${fmt(environment.machineBusyPct, 0)}% busy over the run (the benchmark itself keeps up to two busy), steal ${fmt(environment.stealPct, 1)}%`,
  )
  if (paths.length > 0) {
    out.push('', 'Throughput at saturation (16 connections, closed loop; every server process on one core)', '')
    out.push(
      table(
        ['configuration', 'RPS', 'per pass', '× direct', '× nginx hop', 'CPU µs/req', '+µs/hop', 'loop p99 ms', 'RSS MB'],
        paths.map((p) => [
          p.label,
          fmt(p.rps),
          p.rpsPerPass.map((r) => fmt(r)).join(' / '),
          pctOf(p.rpsToDirect),
          pctOf(p.rpsToNginx),
          fmt(p.cpuUsPerReq, 1),
          p.hops > 0 ? fmt(p.cpuUsAddedPerHop, 1) : '',
          fmt(p.saturationEventLoopP99Ms, 1),
          mb(p.rssBytes),
        ]),
      ),
    )
    out.push('', 'Latency: unloaded (1 connection) and paced (~1000 rps: 16 connections, think time); never at saturation', '')
    out.push(
      table(
        ['configuration', 'c=1 p50 ms', '+ms/hop', 'paced rps', 'p50 ms', 'p90 ms', 'p99 ms', '+p50/+p90/+p99 ms', 'vCPU/1000 rps', 'loop p99 ms'],
        paths
          .filter((p) => p.pacedRps !== undefined)
          .map((p) => [
            p.label,
            fmt(p.unloadedP50Ms, 3),
            p.hops > 0 ? signed(p.unloadedAddedPerHopMs) : '',
            fmt(p.pacedRps),
            fmt(p.pacedP50Ms, 2),
            fmt(p.pacedP90Ms, 2),
            fmt(p.pacedP99Ms, 2),
            p.hops > 0 ? `${signed(p.pacedAddedP50Ms, 2)} / ${signed(p.pacedAddedP90Ms, 2)} / ${signed(p.pacedAddedP99Ms, 2)}` : '',
            fmt(p.vcpuPer1000Rps, 3),
            fmt(p.pacedEventLoopP99Ms, 1),
          ]),
      ),
    )
  }
  if (bookinfo) {
    const b = bookinfo
    out.push('', 'Bookinfo /productpage through the ingress (16 connections, saturation)', '')
    out.push(
      table(
        ['', 'pages/s', 'CPU µs/page', 'c=1 p50 ms', 'hops/page', 'handlers/page'],
        [
          ['without mesh (same apps, direct calls)', fmt(b.barePagesPerS), fmt(b.bareCpuUsPerPage), fmt(b.bareUnloadedP50Ms, 2), '', ''],
          ['full demo (startMesh + observability)', fmt(b.pagesPerS), fmt(b.cpuUsPerPage), fmt(b.meshUnloadedP50Ms, 2), fmt(b.hopsPerPage, 2), fmt(b.handlersPerPage, 2)],
        ],
      ),
    )
    out.push(
      '',
      `Per page: ${fmt(b.cpuUsPerPage)} µs measured vs ${fmt(b.predictedCpuUsPerPage)} µs predicted (apps without mesh ${fmt(b.bareCpuUsPerPage)} + ` +
        `${fmt(b.hopsPerPage, 2)} hops × ${fmt(b.cpuUsPerHop, 1)} µs/hop from the mesh path) = ${fmt(b.actualToPredicted, 2)}×; ` +
        `with the all-filters-and-sinks hop (${fmt(b.cpuUsPerHopFull, 1)} µs) ${fmt(b.predictedFullCpuUsPerPage)} µs; ` +
        `the reference's model (hops × hop + handlers × 182-byte app) says ${fmt(b.modelCpuUsPerPage)} µs. Pages/s vs no mesh: ${pctOf(b.pagesToBare)}.`,
      `Whole demo: RSS ${mb(b.demo.rssAfterStartBytes)} MB after start, ${mb(b.demo.rssLightLoadBytes)} MB after background load, ${mb(b.demo.rssWarmBytes)} MB warm ` +
        `(heap ${mb(b.demo.heapUsedAfterGcBytes)} MB after GC); started in ${fmt(b.demo.startMs)} ms; idle CPU ${fmt(b.demo.idleCpuPctLoadOff, 2)}% of a core with the ` +
        `background load off, ${fmt(b.demo.idleCpuPctLoadOn, 2)}% with it on (2 pages/s).`,
    )
  }
  if (scale) {
    out.push('', `Mesh size: N services in one process, each app + inbound + outbound sidecar (baseline process ${mb(scale.baseRssBytes)} MB RSS)`, '')
    out.push(
      table(
        ['services', 'start s', 'RSS warm MB', 'RSS/service MB', 'heap/service MB', 'CPU µs/req', '× smallest', 'loop p99 ms'],
        scale.points.map((p) => [
          String(p.services),
          fmt(p.startMs / 1000, 1),
          mb(p.rssWarmBytes),
          mb(p.rssPerServiceBytes, 2),
          mb(p.heapPerServiceBytes, 2),
          fmt(p.cpuUsPerReq, 1),
          fmt(p.cpuToSmallest, 2),
          fmt(p.eventLoopP99Ms, 1),
        ]),
      ),
    )
  }
  out.push('', results.mode === 'smoke' ? 'Targets (smoke run: informative only, not enforced)' : 'Targets', '')
  out.push(
    table(
      ['target', 'required', 'measured', 'verdict', 'floor (minimal undici hop)'],
      targets.map((t) => [t.name, t.required, t.measured, t.verdict, t.floor ? `${t.floor.measured} ${t.floor.verdict}` : '']),
      99,
    ),
  )
  if (results.notes.length > 0) out.push('', 'Notes:', ...results.notes.map((n) => `- ${n}`))
  return out.join('\n')
}
