/**
 * The targets of DESIGN §8 (and the reference's G1–G7), each checked against this run's figures.
 * A target whose inputs are missing (no nginx, no scale run) is `n/a`, never a silent pass.
 */
import type { BookinfoSummary, PathSummary, ScaleSummary } from './summarize.ts'

export type Verdict = 'PASS' | 'FAIL' | 'n/a' | 'WARN'

export interface TargetCheck {
  readonly name: string
  readonly required: string
  readonly measured: string
  readonly verdict: Verdict
  /**
   * The same target applied to the minimal undici hop (no mesh features), for per-hop targets:
   * the least any sidecar on node:http + undici can cost. When the floor fails too, no sidecar
   * on this stack can pass on this machine as it runs today.
   */
  readonly floor?: { readonly measured: string; readonly verdict: Verdict }
}

const MB = 2 ** 20
const pct = (x: number) => `${(x * 100).toFixed(1)}%`
const ms = (x: number) => `${x.toFixed(3)} ms`

function check(name: string, required: string, value: number | undefined, ok: (v: number) => boolean, show: (v: number) => string): TargetCheck {
  if (value === undefined || !Number.isFinite(value)) return { name, required, measured: '–', verdict: 'n/a' }
  return { name, required, measured: show(value), verdict: ok(value) ? 'PASS' : 'FAIL' }
}

/** Adds the floor's figure for the same target, judged by the same rule. */
function withFloor(target: TargetCheck, value: number | undefined, ok: (v: number) => boolean, show: (v: number) => string): TargetCheck {
  if (value === undefined || !Number.isFinite(value)) return target
  return { ...target, floor: { measured: show(value), verdict: ok(value) ? 'PASS' : 'FAIL' } }
}

/**
 * Added latency: a path with proxies cannot be faster than direct. A clearly negative difference
 * means the baseline itself was disturbed (a stall on a shared machine), so there is no verdict.
 */
function added(name: string, required: string, value: number | undefined, limitMs: number): TargetCheck {
  if (value !== undefined && value < -0.05) return { name, required, measured: `${ms(value)} (direct was noisier)`, verdict: 'WARN' }
  return check(name, required, value, (v) => v <= limitMs, ms)
}

export function evaluateTargets(paths: readonly PathSummary[], bookinfo: BookinfoSummary | undefined, scale: ScaleSummary | undefined): TargetCheck[] {
  const p = (id: string) => paths.find((x) => x.id === id)
  const hop1 = p('hop1')
  const mesh = p('mesh')
  const full = p('meshFull')
  const httpProxy = p('httpProxy')
  const nginx = p('nginx')
  const direct = p('direct')
  const floor = p('undiciHop')
  const ceiling = p('ceiling')
  const at200 = scale?.points.find((x) => x.services === 200) ?? scale?.points.at(-1)
  const first = scale?.points[0]
  const slopes = scale?.slopes ?? []
  const slopeGrowth = slopes.length >= 2 ? slopes.at(-1)!.rssPerServiceBytes / slopes[0]!.rssPerServiceBytes : undefined
  const vcpuPerHop = (path: PathSummary | undefined, hops: number) =>
    path?.vcpuPer1000Rps !== undefined && direct?.vcpuPer1000Rps !== undefined ? (path.vcpuPer1000Rps - direct.vcpuPer1000Rps) / hops : undefined
  const within = (limit: number) => (v: number) => v <= limit
  return [
    withFloor(check('one sidecar hop vs direct RPS', '≥ 22%', hop1?.rpsToDirect, (v) => v >= 0.22, pct), floor?.rpsToDirect, (v) => v >= 0.22, pct),
    check('mesh path vs direct RPS', '≥ 13%', mesh?.rpsToDirect, (v) => v >= 0.13, pct),
    check('mesh path vs http-proxy path RPS', '≥ 1.5×', mesh?.rps && httpProxy?.rps ? mesh.rps / httpProxy.rps : undefined, (v) => v >= 1.5, (v) => `${v.toFixed(2)}×`),
    withFloor(check('one sidecar hop vs nginx hop RPS', '≥ 50%', hop1?.rpsToNginx, (v) => v >= 0.5, pct), floor?.rpsToNginx, (v) => v >= 0.5, pct),
    check('one sidecar hop vs minimal undici hop RPS (G1: features ≤ 20%)', '≥ 80%', hop1?.rps && floor?.rps ? hop1.rps / floor.rps : undefined, (v) => v >= 0.8, pct),
    check('mesh path, every filter idle + sinks, vs direct (G1)', '≥ 13%', full?.rpsToDirect, (v) => v >= 0.13, pct),
    withFloor(added('added latency per hop, unloaded p50 (1 hop)', '≤ 0.08 ms', hop1?.unloadedAddedPerHopMs, 0.08), floor?.unloadedAddedPerHopMs, within(0.08), ms),
    withFloor(added('added latency per hop, unloaded p50 (mesh path / 2)', '≤ 0.08 ms', mesh?.unloadedAddedPerHopMs, 0.08), floor?.unloadedAddedPerHopMs, within(0.08), ms),
    // Two floor hops, estimated as twice one (medians add up roughly; tails do not, so p99 gets no floor).
    withFloor(added('two hops at ~1000 rps: added p50', '≤ 1 ms', mesh?.pacedAddedP50Ms, 1), floor?.pacedAddedP50Ms === undefined ? undefined : 2 * floor.pacedAddedP50Ms, within(1), (v) => `≈ ${ms(v)} (2 × 1 hop)`),
    added('two hops at ~1000 rps: added p99', '≤ 3 ms', mesh?.pacedAddedP99Ms, 3),
    withFloor(check('CPU per hop at ~1000 rps (G6)', '≤ 0.10 vCPU/1000 rps', vcpuPerHop(mesh, 2), within(0.1), (v) => v.toFixed(3)), vcpuPerHop(floor, 1), within(0.1), (v) => v.toFixed(3)),
    check(`RSS per sidecar at N=${at200?.services ?? 200}`, '≤ 1 MB', at200?.rssPerServiceBytes, (v) => v <= MB, (v) => `${(v / MB).toFixed(2)} MB`),
    check(`heap per sidecar at N=${at200?.services ?? 200} (G7)`, '≤ 0.5 MB', at200?.heapPerServiceBytes, (v) => v <= MB / 2, (v) => `${(v / MB).toFixed(2)} MB`),
    check('whole demo RSS, warm (after its background load)', '≤ 120 MB', bookinfo?.demo.rssLightLoadBytes, (v) => v <= 120 * MB, (v) => `${(v / MB).toFixed(1)} MB`),
    check(
      'memory linear in services (last slope / first slope)',
      '≤ 1.5×',
      slopeGrowth,
      (v) => v <= 1.5,
      (v) => `${v.toFixed(2)}× (${slopes.map((s) => `${(s.rssPerServiceBytes / MB).toFixed(2)}`).join(' → ')} MB/service)`,
    ),
    check(`CPU per request flat, N=${first?.services ?? 10} → ${at200?.services ?? 200}`, '≤ +10%', at200?.cpuToSmallest !== undefined ? at200.cpuToSmallest - 1 : undefined, (v) => v <= 0.1, (v) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}%`),
    harnessCeiling(ceiling, direct),
  ]
}

/** The generator must be able to do at least twice what the fastest Node server does. */
function harnessCeiling(ceiling: PathSummary | undefined, direct: PathSummary | undefined): TargetCheck {
  const name = 'harness ceiling: wrk vs nginx return 200'
  if (!ceiling?.rps || !direct?.rps) return { name, required: '≥ 2× direct', measured: '–', verdict: 'n/a' }
  const r = ceiling.rps / direct.rps
  return { name, required: '≥ 2× direct', measured: `${r.toFixed(2)}× (${Math.round(ceiling.rps)} rps)`, verdict: r >= 2 ? 'PASS' : 'WARN' }
}

/** A report note when the floor fails targets too: those cannot be met by any hop on this stack here. */
export function floorNote(targets: readonly TargetCheck[]): string | undefined {
  const both = targets.filter((t) => t.verdict === 'FAIL' && t.floor?.verdict === 'FAIL')
  if (both.length === 0) return undefined
  return (
    `the minimal undici hop (no mesh features) misses ${both.length === 1 ? 'this target' : `these ${both.length} targets`} too in this run: ` +
    `${both.map((t) => t.name).join('; ')}. A sidecar hop does the floor's work and more, so on this machine, as it runs now, no hop on node:http + undici can meet them`
  )
}
