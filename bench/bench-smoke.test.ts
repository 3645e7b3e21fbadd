/**
 * The benchmark's smoke mode, run in-process with the in-process driver: every configuration,
 * Bookinfo and the mesh-size runs must produce figures that are present and sane, and every child
 * process must be gone afterwards. No wrk, nginx or taskset needed; ephemeral ports only.
 */
import { describe, expect, test } from 'vitest'
import { runBench } from './bench.ts'
import { modeDefaults } from './options.ts'
import { liveCount } from './proc/processes.ts'
import { render } from './report/render.ts'
import type { BenchResults } from './results.ts'

const NODE_PATHS = ['direct', 'undiciHop', 'hop1', 'mesh', 'meshFull', 'meshLink', 'httpProxy']

describe('npm run bench -- --smoke', () => {
  let results: BenchResults

  test('runs every configuration and closes every process', { timeout: 120_000 }, async () => {
    results = await runBench({
      ...modeDefaults('smoke'),
      pin: false, // do not pin the test worker; a 2-core CI machine runs other tests too
      install: false,
      driver: 'inproc',
      // nginx rows depend on the machine; the Node configurations and both sections do not
      only: [...NODE_PATHS, 'bookinfo', 'scale'],
      out: undefined,
      strict: false,
      log: () => {},
    })
    expect(liveCount()).toBe(0)
    expect(results.paths.map((p) => p.id)).toEqual(NODE_PATHS)
  })

  test('path figures are present and ordered', () => {
    for (const p of results.paths) {
      expect(p.errors, p.id).toBe(0)
      expect(p.rps, p.id).toBeGreaterThan(0)
      expect(p.cpuUsPerReq, p.id).toBeGreaterThanOrEqual(0)
      expect(p.unloadedP50Ms, p.id).toBeGreaterThan(0)
      expect(p.pacedP50Ms!, p.id).toBeLessThanOrEqual(p.pacedP90Ms!)
      expect(p.pacedP90Ms!, p.id).toBeLessThanOrEqual(p.pacedP99Ms!)
      expect(p.rpsToDirect, p.id).toBeGreaterThan(0)
      expect(p.saturationEventLoopP99Ms, p.id).toBeGreaterThanOrEqual(0)
      expect(p.rssBytes, p.id).toBeGreaterThan(10 * 2 ** 20)
      expect(p.rssBytes, p.id).toBeLessThan(2 ** 30)
    }
    expect(results.paths.find((p) => p.id === 'direct')!.rpsToDirect).toBe(1)
    expect(results.paths.find((p) => p.id === 'mesh')!.hops).toBe(2)
  })

  test('Bookinfo pages cross ~7 sidecar hops and 3–4 handlers', () => {
    const b = results.bookinfo!
    expect(b.errors).toBe(0)
    expect(b.pagesPerS).toBeGreaterThan(0)
    expect(b.barePagesPerS).toBeGreaterThan(0)
    // gateway + productpage inbound + 2 per call to details and reviews, + 2 for ratings on v2/v3
    expect(b.hopsPerPage).toBeGreaterThan(5.5)
    expect(b.hopsPerPage).toBeLessThan(8.5)
    expect(b.handlersPerPage).toBeGreaterThan(2.5)
    expect(b.handlersPerPage).toBeLessThan(4.5)
    expect(b.demo.rssWarmBytes).toBeGreaterThan(30 * 2 ** 20)
    expect(b.demo.idleCpuPctLoadOff).toBeGreaterThanOrEqual(0)
    expect(b.demo.idleCpuPctLoadOn).toBeGreaterThanOrEqual(0)
  })

  test('mesh-size runs give memory per service and CPU per request', () => {
    const s = results.scale!
    expect(s.points.map((p) => p.services)).toEqual([2, 4])
    for (const p of s.points) {
      expect(p.rssWarmBytes).toBeGreaterThan(s.baseRssBytes * 0.5)
      expect(Number.isFinite(p.rssPerServiceBytes)).toBe(true)
      expect(Number.isFinite(p.heapPerServiceBytes)).toBe(true)
      expect(p.cpuUsPerReq).toBeGreaterThanOrEqual(0)
    }
    expect(s.slopes).toHaveLength(1)
  })

  test('targets and the report are produced', () => {
    expect(results.targets.length).toBeGreaterThan(10)
    for (const t of results.targets) expect(['PASS', 'FAIL', 'n/a', 'WARN']).toContain(t.verdict)
    const text = render(results)
    expect(text).toContain('Targets (smoke run: informative only, not enforced)')
    expect(text).toContain('Bookinfo /productpage')
  })
})
