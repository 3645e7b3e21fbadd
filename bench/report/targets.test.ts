/** Target verdicts next to the floor's: a target the floor misses too is flagged as out of reach here. */
import { describe, expect, test } from 'vitest'
import type { PathSummary } from './summarize.ts'
import { evaluateTargets, floorNote } from './targets.ts'

const path = (id: string, hops: number, figures: Partial<PathSummary>): PathSummary => ({ id, label: id, hops, passes: 2, rpsPerPass: [], errors: 0, ...figures })

/** Direct, nginx and the mesh configurations as a run with `floor` as the minimal undici hop. */
function run(floor: Partial<PathSummary>) {
  return [
    path('direct', 0, { rps: 20_000, vcpuPer1000Rps: 0.1 }),
    path('undiciHop', 1, { rps: 6_000, rpsToDirect: 0.3, ...floor }),
    path('hop1', 1, { rps: 5_500, rpsToDirect: 0.275, rpsToNginx: 0.44, unloadedAddedPerHopMs: 0.18 }),
    path('mesh', 2, { rps: 3_000, rpsToDirect: 0.15, unloadedAddedPerHopMs: 0.17, pacedAddedP50Ms: 1.4, pacedAddedP99Ms: 4, vcpuPer1000Rps: 0.5 }),
  ]
}

describe('the floor column', () => {
  test('each per-hop target shows the floor judged by the same rule; the note names those both miss', () => {
    const targets = evaluateTargets(run({ rpsToNginx: 0.47, unloadedAddedPerHopMs: 0.12, pacedAddedP50Ms: 0.63, vcpuPer1000Rps: 0.26 }), undefined, undefined)
    const byName = new Map(targets.map((t) => [t.name, t]))
    expect(byName.get('one sidecar hop vs nginx hop RPS')).toMatchObject({ verdict: 'FAIL', floor: { measured: '47.0%', verdict: 'FAIL' } })
    expect(byName.get('one sidecar hop vs direct RPS')).toMatchObject({ verdict: 'PASS', floor: { verdict: 'PASS' } })
    expect(byName.get('two hops at ~1000 rps: added p50')!.floor).toEqual({ measured: '≈ 1.260 ms (2 × 1 hop)', verdict: 'FAIL' })
    expect(byName.get('CPU per hop at ~1000 rps (G6)')).toMatchObject({ measured: '0.200', floor: { measured: '0.160', verdict: 'FAIL' } })
    expect(byName.get('mesh path vs http-proxy path RPS')!.floor).toBeUndefined()
    const note = floorNote(targets)!
    expect(note).toContain('these 5 targets')
    expect(note).toContain('one sidecar hop vs nginx hop RPS')
    expect(note).not.toContain('one sidecar hop vs direct RPS')
  })

  test('no note when the floor passes every target the sidecar fails', () => {
    const targets = evaluateTargets(run({ rpsToNginx: 0.58, unloadedAddedPerHopMs: 0.05, pacedAddedP50Ms: 0.37, vcpuPer1000Rps: 0.17 }), undefined, undefined)
    expect(targets.find((t) => t.name === 'one sidecar hop vs nginx hop RPS')).toMatchObject({ verdict: 'FAIL', floor: { verdict: 'PASS' } })
    expect(floorNote(targets)).toBeUndefined()
  })
})
