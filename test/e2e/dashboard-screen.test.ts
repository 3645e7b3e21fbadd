/**
 * The dashboard on a fake terminal: blessed drawing into PassThrough streams (isTTY, columns, rows,
 * a setRawMode stub), asserted on `screen.screenshot()` with SGR codes stripped. A fake view model
 * and a ConfigStore-backed control: no mesh, no ports.
 */
import { PassThrough } from 'node:stream'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { ManualClock } from '../../mesh/clock.ts'
import { ConfigStore } from '../../mesh/control/index.ts'
import type { LoadUser } from '../../sim/load/background-load.ts'
import { startDashboardApp, type Dashboard, type ViewSource } from '../../sim/dashboard/dashboard-app.ts'
import { FakeLesson, fakeView, LESSON_STATE } from '../../sim/dashboard/test-fixtures.ts'
import type { DashboardControl } from '../../sim/dashboard/perform-action.ts'
import type { DashboardView } from '../../sim/dashboard/view-types.ts'

const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '')
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r))
}

function terminal(columns = 120, rows = 40) {
  const input = Object.assign(new PassThrough(), { isTTY: true, isRaw: false, setRawMode(raw: boolean) { this.isRaw = raw; return this } })
  const output = Object.assign(new PassThrough(), { isTTY: true, columns, rows })
  let written = ''
  output.on('data', (d: Buffer) => (written += d.toString('utf8')))
  return {
    input,
    output,
    written: () => written,
    async type(...keys: string[]) {
      for (const k of keys) {
        input.write(k)
        await settle()
      }
    },
    resize(c: number, r: number) {
      output.columns = c
      output.rows = r
      output.emit('resize')
    },
  }
}

function fakes(view: (filter: string) => DashboardView = () => fakeView()) {
  const config = new ConfigStore()
  const applied: string[] = []
  const load = { rps: 2, user: 'mixed' as LoadUser, initial: { rps: 2, user: 'mixed' as LoadUser }, setRate: (r: number) => void (load.rps = r), setUser: (u: LoadUser) => void (load.user = u) }
  const filters: string[] = []
  const source: ViewSource = {
    tick: () => {},
    view: ({ filter }) => {
      filters.push(filter)
      const v = view(filter)
      return { ...v, tap: { ...v.tap, filter } }
    },
    keyContext: () => ({ services: ['ratings', 'reviews'], links: ['ratings-v1', 'reviews-v2'], mirrorOn: false, split: { service: 'reviews', versions: ['v1', 'v2', 'v3'] } }),
  }
  const control: DashboardControl = {
    config: () => config.snapshot(),
    versions: () => new Map([['ratings', ['v1']], ['reviews', ['v1', 'v2', 'v3']]]),
    applyYaml: (yaml, file) => (applied.push(yaml), config.applyText(yaml, file)),
    readFile: async () => '',
    resetConfig: async () => void config.replaceAll([]),
    load,
  }
  return { source, control, config, applied, load, filters }
}

const running: Dashboard[] = []
afterEach(async () => {
  for (const d of running.splice(0)) await d.close()
})

function start(term: ReturnType<typeof terminal>, f: ReturnType<typeof fakes>, extra: { lesson?: FakeLesson } = {}) {
  const d = startDashboardApp({ input: term.input, output: term.output, terminal: 'xterm-256color', source: f.source, control: f.control, clock: new ManualClock(), ...extra })
  running.push(d)
  return { d, screen: () => strip((d.screen.screenshot as unknown as () => string).call(d.screen)) }
}

describe('dashboard on a fake terminal', () => {
  test('draws every panel with Unicode borders at 120×40', async () => {
    const term = terminal()
    const { screen } = start(term, fakes())
    await settle()
    const text = screen()
    const lines = text.split('\n')
    expect(lines[0]).toContain('meshdojo')
    expect(lines[0]).toContain('http://127.0.0.1:9080/productpage')
    expect(lines[0]).toContain('load 2 rps as mixed')
    expect(lines[1]).toContain('toxiproxy http://127.0.0.1:8474')
    expect(lines[2]).toMatch(/^┌─ Workloads ─+┐$/)
    expect(text).toMatch(/NAME\s+VERSION\s+MESHED\s+SUCCESS\s+RPS\s+P50\s+P95\s+P99\s+RPS TREND\s+P99 TREND/)
    expect(text).toMatch(/● ratings-v1\s+v1\s+1\/1\s+50\.00%\s+2\.0rps/)
    expect(text).toMatch(/├─ Service graph ─+┬─ Active config ─+┤/)
    expect(text).toMatch(/┃   ┗━▶ ratings-v1\s+0\.7\s+50\.0%\s+FI abort 500 50%/)
    expect(text).toContain('VS reviews: jason→v2, *→v1')
    expect(text).toContain('toxic ratings-v1: latency 500ms ↓')
    expect(text).toMatch(/reviews-v2\s+→ ratings-v1\s+500 FI\s+0ms jason\s+\/ratings\/0/)
    expect(text).toContain('Applied by the dashboard')
    expect(lines[39]).toMatch(/^ \? help {2}f fault {2}s split {2}m mirror {2}t toxic/)
    expect(text).not.toMatch(/[lqkxjm]{4}/) // no VT100 line-drawing letters
    expect(lines.every((l) => [...l].length <= 120)).toBe(true)
  })

  test('s opens the split dialog; 3 + enter routes reviews to v3 through the config store and says so', async () => {
    const term = terminal()
    const f = fakes()
    const { screen } = start(term, f)
    await settle()
    await term.type('s')
    expect(screen()).toContain('Traffic split: reviews')
    expect(screen()).toMatch(/▸ v1\s+█+░+\s+34%/)
    await term.type('3', '\r')
    await settle()
    expect(screen()).not.toContain('Traffic split: reviews')
    expect(f.applied).toHaveLength(1)
    expect(f.applied[0]).toContain('subset: v3')
    expect(f.config.get('VirtualService', 'reviews')).toBeDefined()
    expect(screen()).toContain('✔ split reviews v3=100: DestinationRule reviews created, VirtualService reviews created')
    expect(screen()).toMatch(/│ apiVersion: networking\.istio\.io\/v1/) // the YAML, in the applied panel
  })

  test('the : command line: typed in the footer, errors shown there, good commands applied', async () => {
    const term = terminal()
    const f = fakes()
    const { screen } = start(term, f)
    await settle()
    await term.type(':', 'fault ratings abort 500 50%')
    expect(screen().split('\n')[39]).toMatch(/^ :fault ratings abort 500 50%█/)
    await term.type('\r')
    await settle()
    expect(f.config.get('VirtualService', 'ratings')).toBeDefined()
    await term.type(':', 'split reviews v1=10', '\r')
    expect(screen().split('\n')[39]).toContain('✘ weights add up to 10; they must add up to 100')
    await term.type('u')
    await settle()
    expect(f.load.user).toBe('anonymous')
    await term.type('+')
    await settle()
    expect(f.load.rps).toBe(5)
  })

  test('f menu, ? help and esc; / filters the tap live and esc clears it', async () => {
    const term = terminal()
    const f = fakes()
    const { screen } = start(term, f)
    await settle()
    await term.type('f')
    expect(screen()).toContain('Fault injection: which service?')
    await term.type('\x1b')
    await settle()
    expect(screen()).not.toContain('Fault injection')
    await term.type('?')
    expect(screen()).toContain(':split reviews v1=80 v3=20')
    await term.type('x', '/', 'F', 'I')
    expect(f.filters.at(-1)).toBe('FI')
    expect(screen()).toMatch(/Tap {2}\/FI /)
    await term.type('\r', '\x1b')
    await settle()
    expect(f.filters.at(-1)).toBe('')
  })

  test('too small a terminal gets a centered message, and the panels come back on resize', async () => {
    const term = terminal()
    const { d, screen } = start(term, fakes())
    await settle()
    term.resize(70, 20)
    // blessed debounces resize: poll until the redraw lands
    await vi.waitFor(() => expect(screen()).toContain('meshdojo needs a terminal of at least 80×24'), { timeout: 5_000 })
    const small = screen()
    expect(small).toContain('meshdojo needs a terminal of at least 80×24')
    expect(small).toContain('this one is 70×20')
    expect(small).not.toContain('Workloads')
    const row = small.split('\n').find((l) => l.includes('needs a terminal'))!
    expect(row.indexOf('meshdojo') - 0).toBeGreaterThan(5) // centered, not at the left edge
    term.resize(80, 24)
    await vi.waitFor(() => expect(screen()).toContain('Workloads'), { timeout: 5_000 })
    expect(screen().replace(/\n$/, '').split('\n')).toHaveLength(24)
    expect(d.screen.width).toBe(80)
  })

  test('a lesson gets its panel and keys; the panel follows the controller', async () => {
    const term = terminal(140, 40)
    const lesson = new FakeLesson(LESSON_STATE)
    const { screen } = start(term, fakes(), { lesson })
    await settle()
    expect(screen()).toContain('Injecting an HTTP delay fault')
    expect(screen()).toContain('step 1/3  Delay ratings by 7s for jason')
    expect(screen()).toContain('✘ p50 of productpage for jason')
    expect(screen().split('\n')[39]).toMatch(/^ n next {2}c check {2}h hint {2}S solve/)
    await term.type('n', 'c', 'h', 'S')
    await settle()
    expect(lesson.calls).toEqual(['next', 'check', 'hint', 'solve'])
    lesson.set({ stepIndex: 1, busy: undefined, lastCheck: { passed: true, results: [{ description: 'reviews-v3 share', passed: true, detail: '100%' }] } })
    await settle()
    expect(screen()).toContain('step 2/3')
    expect(screen()).toContain('✔ check passed')
    expect(screen()).not.toContain('sending 20 requests')
  })

  test('at 80×24 the lesson sits beside the graph and scrolls with PgDn/PgUp', async () => {
    const term = terminal(80, 24)
    const { screen } = start(term, fakes(), { lesson: new FakeLesson(LESSON_STATE) })
    await settle()
    expect(screen()).toMatch(/┬─ Lesson ─/)
    expect(screen()).toMatch(/↓ \d+ more \(PgDn\)/)
    await term.type('\x1b[6~') // PgDn
    expect(screen()).toMatch(/↑ 5 more \(PgUp\)/)
    await term.type('\x1b[5~') // PgUp
    expect(screen()).not.toContain('(PgUp)')
  })

  test('an exception in a refresh is shown and survived; q quits and gives the terminal back', async () => {
    const term = terminal()
    let fail = false
    const f = fakes(() => {
      if (fail) throw new Error('boom')
      return fakeView()
    })
    const { d, screen } = start(term, f)
    await settle()
    fail = true
    await term.type('/', 'x', '\r') // the filter change rebuilds the view, which throws
    expect(screen().split('\n')[39]).toContain('✘ key failed: boom')
    expect(screen()).toContain('Workloads') // the last good frame stays
    fail = false
    await term.type('\x1b', 'q')
    await d.closed
    expect(term.written()).toContain('\x1b[?1049l') // left the alternate screen
    expect(term.written()).toContain('\x1b[?25h') // cursor visible again
    expect(term.input.isRaw).toBe(false)
  })
})
