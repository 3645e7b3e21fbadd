/**
 * The `f` (fault) and `t` (toxic) menus: a few short questions, each a list to pick from, that end
 * in the same action the `:` command line would produce. Plain data, so they are tested without a terminal.
 */
import type { FaultAction, MeshAction, ToxicAction } from './actions.ts'

export interface MenuState {
  readonly kind: 'fault' | 'toxic'
  /** Values picked so far, one per answered question. */
  readonly chosen: readonly string[]
  readonly selected: number
}

export interface MenuOption {
  readonly label: string
  readonly value: string
}

export interface MenuStep {
  readonly title: string
  readonly options: readonly MenuOption[]
}

/** What the menus offer: the mesh's services and the Toxiproxy links (one per workload). */
export interface MenuContext {
  readonly services: readonly string[]
  readonly links: readonly string[]
}

const SERVICE_ORDER = ['ratings', 'reviews', 'details', 'productpage', 'httpbin']

export const openMenu = (kind: MenuState['kind']): MenuState => ({ kind, chosen: [], selected: 0 })

export function menuStep(m: MenuState, ctx: MenuContext): MenuStep {
  return m.kind === 'fault' ? faultStep(m.chosen, ctx) : toxicStep(m.chosen, ctx)
}

/** Picks the selected option: the next question, or the finished action. */
export function menuChoose(m: MenuState, ctx: MenuContext): MenuState | MeshAction {
  const step = menuStep(m, ctx)
  const option = step.options[m.selected]
  if (!option) return m
  const chosen = [...m.chosen, option.value]
  const done = m.kind === 'fault' ? faultAction(chosen) : toxicAction(chosen)
  return done ?? { kind: m.kind, chosen, selected: 0 }
}

/** One question back (esc); undefined when already at the first. */
export const menuBack = (m: MenuState): MenuState | undefined => (m.chosen.length ? { kind: m.kind, chosen: m.chosen.slice(0, -1), selected: 0 } : undefined)

function faultStep(chosen: readonly string[], ctx: MenuContext): MenuStep {
  switch (chosen.length) {
    case 0: {
      const services = [...ctx.services].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
      return { title: 'Fault injection: which service?', options: services.map((s) => ({ label: s, value: s })) }
    }
    case 1:
      return {
        title: `Fault on ${chosen[0]}: what?`,
        options: [
          { label: 'delay 7s   (Istio task: jason sees the reviews error)', value: 'delay:7000' },
          { label: 'delay 2s', value: 'delay:2000' },
          { label: 'delay 500ms', value: 'delay:500' },
          { label: 'abort 500  (HTTP 500 from the sidecar)', value: 'abort:500' },
          { label: 'abort 503', value: 'abort:503' },
          { label: 'remove the fault', value: 'off' },
        ],
      }
    case 2:
      return {
        title: `${label(chosen)}: for whom?`,
        options: [
          { label: 'jason only  (end-user: jason)', value: 'jason' },
          { label: 'everyone', value: '*' },
        ],
      }
    default:
      return {
        title: `${label(chosen)}: how often?`,
        options: ['100', '50', '10'].map((p) => ({ label: `${p}% of requests`, value: p })),
      }
  }
}

const rank = (s: string) => {
  const i = SERVICE_ORDER.indexOf(s)
  return i < 0 ? SERVICE_ORDER.length : i
}

const FAULTS: Readonly<Record<string, string>> = { 'delay:7000': 'delay 7s', 'delay:2000': 'delay 2s', 'delay:500': 'delay 500ms', 'abort:500': 'abort 500', 'abort:503': 'abort 503' }
const label = (chosen: readonly string[]) => `${FAULTS[chosen[1]!] ?? chosen[1]} on ${chosen[0]}`

function faultAction(chosen: readonly string[]): FaultAction | undefined {
  const [service, what, who, percent] = chosen
  if (what === 'off') return { type: 'fault', service: service!, fault: { kind: 'off' }, percent: 0 }
  if (percent === undefined) return undefined
  const [kind, value] = what!.split(':') as ['delay' | 'abort', string]
  const fault = kind === 'delay' ? { kind, ms: Number(value) } : { kind, status: Number(value) }
  return { type: 'fault', service: service!, fault, percent: Number(percent), ...(who !== '*' ? { user: who } : {}) }
}

function toxicStep(chosen: readonly string[], ctx: MenuContext): MenuStep {
  if (chosen.length === 0) {
    return { title: 'Toxiproxy: toxic on the link into which workload?', options: ctx.links.map((l) => ({ label: l, value: l })) }
  }
  return {
    title: `Toxic on the link into ${chosen[0]}`,
    options: [
      { label: 'latency 500ms', value: 'latency:500' },
      { label: 'latency 2000ms', value: 'latency:2000' },
      { label: 'bandwidth 1 KB/s', value: 'bandwidth:1' },
      { label: 'reset_peer  (connections reset)', value: 'reset_peer:0' },
      { label: 'timeout     (connections hang)', value: 'timeout:0' },
      { label: 'remove all toxics on this link', value: 'remove' },
    ],
  }
}

function toxicAction(chosen: readonly string[]): ToxicAction | undefined {
  const [workload, what] = chosen
  if (what === undefined) return undefined
  if (what === 'remove') return { type: 'toxic', workload: workload!, toxic: 'remove' }
  const [toxic, value] = what.split(':') as [ToxicAction['toxic'], string]
  return { type: 'toxic', workload: workload!, toxic, value: Number(value) }
}
