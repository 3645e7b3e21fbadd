/**
 * What the learner can do to the mesh from the dashboard, as data: keys, menus and the `:` command
 * line all produce these, and one executor (perform-action.ts) carries them out.
 */
import type { LoadUser } from '../load/background-load.ts'

export type FaultSpec = { readonly kind: 'delay'; readonly ms: number } | { readonly kind: 'abort'; readonly status: number } | { readonly kind: 'off' }

/** A VirtualService `fault` on a service, for everyone or only for requests with `end-user: <user>`. */
export interface FaultAction {
  readonly type: 'fault'
  readonly service: string
  readonly fault: FaultSpec
  /** 0–100 */
  readonly percent: number
  readonly user?: string
}

/** Weighted routing to subsets, e.g. `{ v1: 80, v3: 20 }` (adds up to 100). */
export interface SplitAction {
  readonly type: 'split'
  readonly service: string
  readonly weights: Readonly<Record<string, number>>
}

/** Mirror the service's traffic to another subset (Istio's mirroring task), or stop. */
export interface MirrorAction {
  readonly type: 'mirror'
  readonly on: boolean
  /** Default: httpbin when it runs, otherwise reviews. */
  readonly service?: string
  /** The subset copies go to; default v2. */
  readonly to?: string
}

export type ToxicKind = 'latency' | 'bandwidth' | 'reset_peer' | 'timeout' | 'remove'

/** A Toxiproxy toxic on the link into a workload (downstream), or `remove` for all of that link's toxics. */
export interface ToxicAction {
  readonly type: 'toxic'
  readonly workload: string
  readonly toxic: ToxicKind
  /** latency/timeout/reset_peer: ms; bandwidth: KB/s. */
  readonly value?: number
}

export type LessonOp = 'next' | 'check' | 'hint' | 'solve'

export type RoutingAction = FaultAction | SplitAction | MirrorAction

export type MeshAction =
  | RoutingAction
  | ToxicAction
  | { readonly type: 'apply'; readonly file: string }
  /** `user` undefined: the next one of anonymous → jason → mixed. */
  | { readonly type: 'user'; readonly user?: LoadUser }
  /** An absolute rate, or one step up/down the ladder 0, 1, 2, 5, 10, 20, 50, 100. */
  | { readonly type: 'rate'; readonly rps?: number; readonly step?: 1 | -1 }
  | { readonly type: 'reset' }
  | { readonly type: 'quit' }
  | { readonly type: 'lesson'; readonly op: LessonOp }

export const LOAD_USERS: readonly LoadUser[] = ['anonymous', 'jason', 'mixed']
export const RATE_LADDER: readonly number[] = [0, 1, 2, 5, 10, 20, 50, 100]

/** The next rate on the ladder above (`+1`) or below (`-1`) `rps`. */
export function stepRate(rps: number, step: 1 | -1): number {
  if (step > 0) return RATE_LADDER.find((r) => r > rps) ?? rps
  return [...RATE_LADDER].reverse().find((r) => r < rps) ?? 0
}

/** The `:` command that does the same, shown after a key or menu action so learners pick up the syntax. */
export function commandFor(a: MeshAction): string | undefined {
  switch (a.type) {
    case 'fault': {
      if (a.fault.kind === 'off') return `:fault ${a.service} off`
      const what = a.fault.kind === 'delay' ? `delay ${a.fault.ms >= 1000 && a.fault.ms % 100 === 0 ? `${a.fault.ms / 1000}s` : `${a.fault.ms}ms`}` : `abort ${a.fault.status}`
      return `:fault ${a.service} ${what} ${a.percent}%${a.user ? ` user=${a.user}` : ''}`
    }
    case 'split':
      return `:split ${a.service} ${Object.entries(a.weights).map(([v, w]) => `${v}=${w}`).join(' ')}`
    case 'mirror':
      return `:mirror ${a.on ? 'on' : 'off'}${a.service ? ` ${a.service}` : ''}`
    case 'toxic':
      return `:toxic ${a.workload} ${a.toxic}${a.value !== undefined ? ` ${a.value}` : ''}`
    default:
      return undefined
  }
}
