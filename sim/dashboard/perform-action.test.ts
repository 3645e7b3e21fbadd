import { afterEach, describe, expect, test } from 'vitest'
import { ManualClock } from '../../mesh/clock.ts'
import { ConfigStore } from '../../mesh/control/index.ts'
import { sfc32 } from '../../mesh/random.ts'
import { ToxiproxyStore } from '../../mesh/toxiproxy/index.ts'
import { sample } from '../../test/support/samples.ts'
import type { LoadUser } from '../load/background-load.ts'
import { FakeLesson, LESSON_STATE } from './test-fixtures.ts'
import { performAction, type DashboardControl } from './perform-action.ts'

const VERSIONS = new Map([['ratings', ['v1']], ['reviews', ['v1', 'v2', 'v3']]])
const stores: ToxiproxyStore[] = []
afterEach(async () => {
  for (const s of stores.splice(0)) await s.reset()
})

async function control(files: Record<string, string> = {}) {
  const config = new ConfigStore()
  const toxiproxy = new ToxiproxyStore({ clock: new ManualClock(), random: sfc32(1) })
  stores.push(toxiproxy)
  for (const name of ['ratings-v1', 'reviews-v2']) await toxiproxy.createProxy({ name, upstream: '127.0.0.1:9', listen: '127.0.0.1:0', enabled: false })
  const load = { rps: 2, user: 'mixed' as LoadUser, initial: { rps: 2, user: 'mixed' as LoadUser }, setRate: (r: number) => void (load.rps = r), setUser: (u: LoadUser) => void (load.user = u) }
  const lesson = new FakeLesson(LESSON_STATE)
  const c: DashboardControl = {
    config: () => config.snapshot(),
    versions: () => VERSIONS,
    applyYaml: (yaml, file) => config.applyText(yaml, file),
    readFile: async (path) => {
      if (!(path in files)) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' })
      return files[path]!
    },
    resetConfig: async () => void config.replaceAll([]),
    toxics: {
      list: async () => Object.fromEntries(Object.entries(await toxiproxy.listProxies()).map(([n, p]) => [n, p.toxics])),
      add: async (p, input) => void (await toxiproxy.addToxic(p, input)),
      remove: (p, t) => toxiproxy.removeToxic(p, t),
      reset: () => toxiproxy.reset(),
    },
    load,
    lesson,
  }
  return { c, config, toxiproxy, load, lesson }
}

describe('performing dashboard actions', () => {
  test('a fault goes through the config store and shows the YAML it applied', async () => {
    const { c, config } = await control()
    const out = await performAction({ type: 'fault', service: 'ratings', fault: { kind: 'abort', status: 500 }, percent: 100 }, c)
    expect(out).toMatchObject({ ok: true, title: 'fault ratings abort 500 100%: VirtualService ratings created' })
    expect(out.detail).toContain('httpStatus: 500')
    expect(config.get('VirtualService', 'ratings')).toBeDefined()
  })

  test(':apply FILE applies it like meshdojo apply; rejected config and missing files are outcomes, not throws', async () => {
    const { c, config } = await control({ 'v3.yaml': sample('virtual-service-reviews-v3.yaml'), 'bad.yaml': 'kind: VirtualService\nmetadata: {name: x}\nspec: {hosts: [x], http: [{route: [{destination: {host: x}, weight: fifty}]}]}' })
    expect(await performAction({ type: 'apply', file: 'v3.yaml' }, c)).toMatchObject({ ok: true, title: 'apply v3.yaml: VirtualService reviews created' })
    const bad = await performAction({ type: 'apply', file: 'bad.yaml' }, c)
    expect(bad).toMatchObject({ ok: false, title: expect.stringMatching(/^rejected: \d error\(s\), nothing changed$/) })
    expect(bad.detail).toMatch(/^Error \[/m)
    expect(config.get('VirtualService', 'x')).toBeUndefined()
    expect(await performAction({ type: 'apply', file: 'nope.yaml' }, c)).toMatchObject({ ok: false, title: expect.stringContaining('ENOENT') })
    expect(await performAction({ type: 'split', service: 'reviews', weights: { v9: 100 } }, c)).toEqual({ ok: false, title: 'reviews has no version v9; versions: v1, v2, v3' })
  })

  test('toxics: add (replacing one of the same kind), remove all, unknown link; the API call is shown', async () => {
    const { c, toxiproxy } = await control()
    const added = await performAction({ type: 'toxic', workload: 'ratings-v1', toxic: 'latency', value: 500 }, c)
    expect(added).toMatchObject({ ok: true, title: 'toxic latency on the link into ratings-v1' })
    expect(added.detail).toContain('POST /proxies/ratings-v1/toxics')
    expect(added.detail).toContain('meshdojo toxic add ratings-v1 -t latency -a latency=500')
    await performAction({ type: 'toxic', workload: 'ratings-v1', toxic: 'latency', value: 900 }, c)
    await performAction({ type: 'toxic', workload: 'ratings-v1', toxic: 'timeout' }, c)
    expect((await toxiproxy.listToxics('ratings-v1')).map((t) => `${t.type} ${JSON.stringify(t.attributes)}`)).toEqual(['latency {"latency":900,"jitter":0}', 'timeout {"timeout":0}'])
    expect(await performAction({ type: 'toxic', workload: 'ratings-v1', toxic: 'remove' }, c)).toMatchObject({ ok: true, title: 'removed 2 toxic(s) from ratings-v1' })
    expect(await toxiproxy.listToxics('ratings-v1')).toEqual([])
    expect(await performAction({ type: 'toxic', workload: 'nosuch', toxic: 'latency' }, c)).toEqual({ ok: false, title: 'no link named "nosuch"; links: ratings-v1, reviews-v2' })
  })

  test('load: u cycles anonymous → jason → mixed, + and - walk the ladder, r resets config, toxics and load', async () => {
    const { c, load, config, toxiproxy } = await control()
    expect((await performAction({ type: 'user' }, c)).title).toBe('load now logs in as anonymous')
    expect((await performAction({ type: 'user' }, c)).title).toBe('load now logs in as jason')
    await performAction({ type: 'rate', step: 1 }, c)
    expect(load.rps).toBe(5)
    await performAction({ type: 'split', service: 'reviews', weights: { v3: 100 } }, c)
    await performAction({ type: 'toxic', workload: 'reviews-v2', toxic: 'bandwidth' }, c)
    const reset = await performAction({ type: 'reset' }, c)
    expect(reset).toMatchObject({ ok: true, title: 'reset: start config, no toxics, load 2 rps (mixed)' })
    expect(load).toMatchObject({ rps: 2, user: 'mixed' })
    expect(config.list()).toEqual([])
    expect(await toxiproxy.listToxics('reviews-v2')).toEqual([])
  })

  test('lesson keys call the controller; without load or lesson the outcome says why', async () => {
    const { c, lesson } = await control()
    for (const op of ['next', 'check', 'hint', 'solve'] as const) await performAction({ type: 'lesson', op }, c)
    expect(lesson.calls).toEqual(['next', 'check', 'hint', 'solve'])
    const { load: _l, lesson: _s, ...bare } = c
    expect(await performAction({ type: 'rate', step: 1 }, bare)).toMatchObject({ ok: false, title: expect.stringContaining('--no-load') })
    expect(await performAction({ type: 'lesson', op: 'next' }, bare)).toMatchObject({ ok: false, title: expect.stringContaining('no lesson') })
    expect(await performAction({ type: 'quit' }, bare)).toMatchObject({ quit: true })
  })
})
