/**
 * The dashboard's view model: plain data built from stats, config and logs once per tick, read by
 * both renderers (blessed and `--plain`). Numbers are already formatted the way Linkerd prints them;
 * colours are expressed as health and tones, never as terminal codes.
 */
import type { Tone } from './segments.ts'
import type { WorkloadRow } from './workload-rows.ts'

export type Health = WorkloadRow['health']

export interface HeaderView {
  /** Open in a browser, e.g. `http://127.0.0.1:9080/productpage`. */
  readonly bookinfoUrl: string
  readonly adminUrl?: string
  readonly toxiproxyUrl?: string
  /** Undefined when the demo runs without background load. */
  readonly load?: { readonly rps: number; readonly user: string }
  readonly seed: number
  /** Wall-clock `HH:MM` of this tick. */
  readonly time: string
  readonly configVersion: number
}

export interface WorkloadView extends WorkloadRow {
  /** Oldest first, one sample per tick. */
  readonly rpsHistory: readonly number[]
  readonly p99History: readonly number[]
}

export type BadgeCode = 'FI' | 'DI' | 'MIR' | 'CB' | 'EJ' | 'TOX' | 'mTLS'

/** What is special about an edge: a fault, a mirror, a tripped circuit breaker, a toxic, mTLS. */
export interface Badge {
  readonly code: BadgeCode
  /** Longer text for wide screens, e.g. `delay 7s jason`. */
  readonly label: string
  readonly tone: Tone
}

export interface GraphRow {
  /** 0 for a root (ingress, a load client), 1 for what it calls, … */
  readonly depth: number
  /** Tree drawing before the node, e.g. `┃   ┣━▶ `. */
  readonly prefix: string
  readonly node: string
  /**
   * `workload`: a workload answered; `local`: the caller's sidecar answered itself (fault abort, no
   * healthy upstream); `mirror`: shadow copies; `root`: where traffic enters; `idle`: no edges at all.
   */
  readonly kind: 'root' | 'workload' | 'local' | 'mirror' | 'idle'
  /** Requests per second on the edge into `node` ('' on roots). */
  readonly rps: string
  /** Share of 5xx on the edge, e.g. `12.5%` ('-' without traffic). */
  readonly errors: string
  /** Observed share of the caller's requests to this service, e.g. `33%` ('' when it is the only destination). */
  readonly share: string
  readonly health: Health
  readonly badges: readonly Badge[]
}

export interface GraphView {
  readonly rows: readonly GraphRow[]
  /** `all`: every edge with traffic is mTLS (said once, in the title, instead of a badge per edge). */
  readonly mtls: 'all' | 'some' | 'none'
}

export interface ConfigLine {
  readonly kind: 'VS' | 'DR' | 'GW' | 'toxic'
  readonly name: string
  /** e.g. `jason→v2, *→v1` */
  readonly summary: string
}

export interface TapLine {
  /** `HH:MM:SS` */
  readonly time: string
  readonly source: string
  readonly destination: string
  readonly method: string
  readonly path: string
  readonly status: number
  /** Envoy's RESPONSE_FLAGS, `-` when none. */
  readonly flags: string
  readonly durationMs: number
  /** The end user (`jason`) or ''. */
  readonly user: string
  readonly mirrored: boolean
  readonly health: Health
  /** The whole line as text: what `/` filters match against. */
  readonly text: string
}

export interface TapView {
  /** Oldest first (newest at the bottom, like `tail -f`). */
  readonly lines: readonly TapLine[]
  readonly filter: string
  /** Set when the filter is not a valid regular expression (it is then matched as plain text). */
  readonly filterNote?: string
}

export interface LessonView {
  readonly title: string
  /** `step 2/5`, or `intro` before the first step, `done` when finished. */
  readonly progress: string
  readonly stepTitle: string
  /** The step's markdown, already turned into styled lines. */
  readonly text: readonly (readonly { readonly text: string; readonly tone: Tone }[])[]
  readonly hints: readonly string[]
  readonly hintsLeft: number
  readonly checks: readonly { readonly passed: boolean; readonly description: string; readonly detail: string }[]
  readonly checkPassed?: boolean
  readonly busy?: string
  readonly lastApplied?: string
  readonly finished: boolean
}

export interface DashboardView {
  readonly header: HeaderView
  readonly workloads: readonly WorkloadView[]
  readonly graph: GraphView
  readonly config: readonly ConfigLine[]
  readonly tap: TapView
  readonly lesson?: LessonView
}
