/**
 * Carries out a dashboard action through the same control plane as `meshdojo apply` (and the same
 * Toxiproxy API as `meshdojo toxic`), and says what it did: a one-line title and the config behind
 * the effect (the Istio YAML applied, the Toxiproxy call). Failures come back as outcomes, never throws.
 */
import { ConfigRejectedError, formatDiagnostic, type ApplyResult, type ConfigSnapshot } from '../../mesh/control/index.ts'
import type { ToxicInput, ToxicJson } from '../../mesh/toxiproxy/types.ts'
import type { LoadUser } from '../load/background-load.ts'
import type { LessonController } from '../workshop/lesson-contract.ts'
import { commandFor, LOAD_USERS, stepRate, type MeshAction, type ToxicAction } from './actions.ts'
import { routingYaml, RoutingError, type ServiceVersions } from './istio-yaml.ts'

/** What the dashboard may change; the mesh adapter (mesh-control.ts) or a fake in tests. */
export interface DashboardControl {
  config(): ConfigSnapshot
  /** Versions that run, by service. */
  versions(): ServiceVersions
  /** `mesh.config.applyText`: atomic, throws ConfigRejectedError. */
  applyYaml(yaml: string, file: string): ApplyResult
  readFile(path: string): Promise<string>
  resetConfig(): Promise<void>
  /** Toxiproxy links (absent when the mesh runs without them). */
  readonly toxics?: {
    list(): Promise<Record<string, readonly ToxicJson[]>>
    add(proxy: string, input: ToxicInput): Promise<void>
    remove(proxy: string, toxic: string): Promise<void>
    reset(): Promise<void>
  }
  /** The background load (absent with --no-load), and where it started. */
  readonly load?: {
    readonly rps: number
    readonly user: LoadUser
    setRate(rps: number): void
    setUser(user: LoadUser): void
    readonly initial: { readonly rps: number; readonly user: LoadUser }
  }
  readonly lesson?: LessonController
}

export interface Outcome {
  readonly ok: boolean
  readonly title: string
  /** The config behind the effect (YAML, an API call) or the errors. */
  readonly detail?: string
  readonly quit?: boolean
}

export async function performAction(a: MeshAction, c: DashboardControl): Promise<Outcome> {
  try {
    return await perform(a, c)
  } catch (err) {
    if (err instanceof ConfigRejectedError) return { ok: false, title: `rejected: ${err.errors.length} error(s), nothing changed`, detail: err.diagnostics.map(formatDiagnostic).join('\n') }
    if (err instanceof RoutingError) return { ok: false, title: err.message }
    return { ok: false, title: `${commandFor(a) ?? a.type} failed: ${(err as Error)?.message ?? String(err)}` }
  }
}

async function perform(a: MeshAction, c: DashboardControl): Promise<Outcome> {
  switch (a.type) {
    case 'fault':
    case 'split':
    case 'mirror': {
      const { yaml } = routingYaml(a, c.config(), c.versions())
      const result = c.applyYaml(yaml, 'dashboard')
      return { ok: true, title: `${commandFor(a)!.slice(1)}: ${changes(result)}`, detail: withWarnings(yaml, result) }
    }
    case 'apply': {
      const text = await c.readFile(a.file)
      const result = c.applyYaml(text, a.file)
      return { ok: true, title: `apply ${a.file}: ${changes(result)}`, detail: withWarnings(text, result) }
    }
    case 'toxic':
      return toxic(a, c)
    case 'user': {
      if (!c.load) return noLoad
      const user = a.user ?? LOAD_USERS[(LOAD_USERS.indexOf(c.load.user) + 1) % LOAD_USERS.length]!
      c.load.setUser(user)
      return { ok: true, title: `load now logs in as ${user}` }
    }
    case 'rate': {
      if (!c.load) return noLoad
      const rps = a.rps ?? stepRate(c.load.rps, a.step ?? 1)
      c.load.setRate(rps)
      return { ok: true, title: `load now ${rps} page loads/s` }
    }
    case 'reset': {
      await c.resetConfig()
      await c.toxics?.reset()
      if (c.load) {
        c.load.setRate(c.load.initial.rps)
        c.load.setUser(c.load.initial.user)
      }
      const load = c.load ? `, load ${c.load.initial.rps} rps (${c.load.initial.user})` : ''
      return {
        ok: true,
        title: `reset: start config, no toxics${load}`,
        detail: '# config back to what the mesh started with: the Bookinfo gateway, plus --config files or the lesson setup\n# every Toxiproxy toxic removed (POST /reset)',
      }
    }
    case 'lesson': {
      const lesson = c.lesson
      if (!lesson) return { ok: false, title: 'no lesson running (start one with meshdojo workshop)' }
      if (a.op === 'hint') lesson.hint()
      else await lesson[a.op]()
      return { ok: true, title: `lesson: ${a.op}` }
    }
    case 'quit':
      return { ok: true, title: 'bye', quit: true }
  }
}

const noLoad: Outcome = { ok: false, title: 'no background load (the demo was started with --no-load)' }

const changes = (r: ApplyResult): string => r.changes.map((ch) => `${ch.kind} ${ch.name} ${ch.action}`).join(', ') || 'nothing to change'

function withWarnings(yaml: string, r: ApplyResult): string {
  if (r.warnings.length === 0) return yaml
  return `${r.warnings.map((w) => `# ${formatDiagnostic(w)}`).join('\n')}\n${yaml}`
}

const ATTRIBUTE: Readonly<Record<Exclude<ToxicAction['toxic'], 'remove'>, { key: string; initial: number }>> = {
  latency: { key: 'latency', initial: 500 },
  bandwidth: { key: 'rate', initial: 1 },
  reset_peer: { key: 'timeout', initial: 0 },
  timeout: { key: 'timeout', initial: 0 },
}

async function toxic(a: ToxicAction, c: DashboardControl): Promise<Outcome> {
  if (!c.toxics) return { ok: false, title: 'no Toxiproxy links in this mesh' }
  const all = await c.toxics.list()
  const existing = all[a.workload]
  if (!existing) return { ok: false, title: `no link named "${a.workload}"; links: ${Object.keys(all).sort().join(', ')}` }
  if (a.toxic === 'remove') {
    for (const t of existing) await c.toxics.remove(a.workload, t.name)
    const calls = existing.map((t) => `DELETE /proxies/${a.workload}/toxics/${t.name}`)
    return { ok: true, title: `removed ${existing.length} toxic(s) from ${a.workload}`, detail: calls.join('\n') || '# no toxics were set' }
  }
  const { key, initial } = ATTRIBUTE[a.toxic]
  const input: ToxicInput = { type: a.toxic, name: `${a.toxic}_downstream`, stream: 'downstream', toxicity: 1, attributes: { [key]: a.value ?? initial } }
  if (existing.some((t) => t.name === input.name)) await c.toxics.remove(a.workload, input.name!)
  await c.toxics.add(a.workload, input)
  return {
    ok: true,
    title: `toxic ${a.toxic} on the link into ${a.workload}`,
    detail: [
      `# Toxiproxy API (same as: meshdojo toxic add ${a.workload} -t ${a.toxic} -a ${key}=${a.value ?? initial})`,
      `POST /proxies/${a.workload}/toxics`,
      JSON.stringify(input, null, 2),
    ].join('\n'),
  }
}
