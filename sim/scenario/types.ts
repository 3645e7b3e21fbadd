/**
 * A scenario as the runner and the workshop use it: parsed once from `scenarios/*.yaml` into
 * frozen, typed objects (durations in ms, shares as fractions, Istio YAML already validated).
 * Nothing downstream ever sees the raw YAML.
 */
import type { ToxicInput, ToxicUpdate } from '../../mesh/toxiproxy/types.ts'
import type { RatingsVariant } from '../../bookinfo/index.ts'

export interface Scenario {
  readonly name: string
  readonly title: string
  /** Markdown; ends with a link to Istio's task page for shipped lessons. */
  readonly summary: string
  /** Position in `scenario --list` and the workshop menu; lessons without one come last. */
  readonly order: number | undefined
  readonly seed: number
  /** Absolute path of the scenario file. */
  readonly file: string
  readonly setup: ScenarioSetup
  readonly steps: readonly Step[]
}

export interface ScenarioSetup {
  readonly withHttpbin: boolean
  readonly ratings: RatingsVariant
  /** How long a killed workload stays in the endpoints (readiness probe delay). */
  readonly readinessDelayMs: number
  /** Applied in order once the mesh is up, before the first step. */
  readonly apply: readonly ConfigText[]
}

export interface Step {
  readonly title: string
  /** Markdown. */
  readonly text: string
  /** Run when the step starts (`n` in the workshop): the state the step begins from. */
  readonly actions: readonly Action[]
  /** The step's task done for the learner (`S`); the headless runner runs it after `actions`. */
  readonly solve: readonly Action[]
  /** Sent each time the step is checked; the checks observe this traffic only. */
  readonly traffic: readonly TrafficSpec[]
  readonly expect: readonly Check[]
  readonly hints: readonly string[]
}

/** Istio YAML from a file (path relative to the scenario) or written inline. */
export interface ConfigText {
  readonly text: string
  /** What errors and logs call it: the path as written, or `<scenario>.yaml steps[2].solve[0].apply`. */
  readonly label: string
  /** The path as written in the scenario, for file references. */
  readonly path?: string
}

export type Action =
  | { readonly kind: 'apply'; readonly config: ConfigText }
  | { readonly kind: 'delete'; readonly targets: readonly DeleteTarget[] }
  | { readonly kind: 'toxic'; readonly toxic: ToxicAction }
  | { readonly kind: 'kill'; readonly workload: string }
  | { readonly kind: 'restart'; readonly workload: string }
  | { readonly kind: 'wait'; readonly wait: WaitSpec }
  | { readonly kind: 'traffic'; readonly traffic: TrafficSpec }
  | { readonly kind: 'say'; readonly text: string }

export type DeleteTarget = { readonly kind: string; readonly name: string } | { readonly config: ConfigText }

export type ToxicAction =
  | { readonly op: 'add'; readonly proxy: string; readonly toxic: ToxicInput }
  | { readonly op: 'update'; readonly proxy: string; readonly name: string; readonly update: ToxicUpdate }
  | { readonly op: 'remove'; readonly proxy: string; readonly name: string }
  | { readonly op: 'enable'; readonly proxy: string; readonly enabled: boolean }
  | { readonly op: 'reset' }

export type WaitSpec = { readonly ms: number } | { readonly until: Check; readonly timeoutMs: number }

export type User = 'anonymous' | 'jason'

export interface TrafficSpec {
  /** Total requests; undefined means "until `durationMs`". */
  readonly requests: number | undefined
  readonly durationMs: number | undefined
  /** Total requests per second across workers; 0 = back to back (fortio's -qps 0). */
  readonly rps: number
  readonly concurrency: number
  readonly user: User
  /** Path through the ingress gateway, e.g. `/productpage`; unset when `url` is set. */
  readonly path: string | undefined
  /** A mesh URL such as `http://httpbin:8000/get`, sent from the meshed client `client`. */
  readonly url: string | undefined
  readonly client: string | undefined
  /** Actions at an offset from the start of this traffic (a pod killed mid-traffic). */
  readonly events: readonly TimedAction[]
}

export interface TimedAction {
  readonly atMs: number
  readonly action: Action
}

/** A number bound: any combination of lower, upper and exact. Units are the check's (ms, fraction, count). */
export interface Bound {
  readonly above?: number
  readonly below?: number
  readonly atLeast?: number
  readonly atMost?: number
  readonly equals?: number
}

/** Which of the step's responses a check looks at. */
export interface ResponseFilter {
  readonly user?: User
  readonly path?: string
  readonly url?: string
}

/** Which telemetry records of the step a check looks at. */
export interface RecordFilter {
  /** Source workload (`productpage-v1`) or app (`productpage`). */
  readonly from?: string
  /** Destination workload (`reviews-v2`), app, or service short name (`ratings`). */
  readonly to?: string
  /** Whose report: the caller's sidecar (`source`, after retries) or the callee's (`destination`, every try). */
  readonly reporter: 'source' | 'destination'
  readonly status?: number
}

export type Percentile = 'p50' | 'p75' | 'p90' | 'p95' | 'p99' | 'max'

/** A property of one response, for `share`. */
export type ResponseProperty =
  | { readonly contains: string }
  | { readonly notContains: string }
  | { readonly status: number }
  | { readonly servedBy: string }

export type Check =
  | { readonly kind: 'page'; readonly select: ResponseFilter; readonly contains: readonly string[]; readonly notContains: readonly string[]; readonly hint?: string }
  | { readonly kind: 'status'; readonly select: ResponseFilter; readonly code?: number; readonly seen?: readonly number[]; readonly hint?: string }
  | { readonly kind: 'share'; readonly select: ResponseFilter; readonly where: ResponseProperty; readonly bound: Bound; readonly hint?: string }
  | {
      readonly kind: 'latency'
      /** Responses of the step's traffic, or telemetry records when `records` is set. */
      readonly select: ResponseFilter
      readonly records?: RecordFilter
      readonly percentiles: ReadonlyArray<{ readonly percentile: Percentile; readonly bound: Bound }>
      readonly hint?: string
    }
  | { readonly kind: 'successRate'; readonly select: ResponseFilter; readonly records?: RecordFilter; readonly bound: Bound; readonly hint?: string }
  | {
      readonly kind: 'metric'
      readonly name: string
      readonly labels: Readonly<Record<string, string>>
      /** `increase`: the change during the check (default); `value`: the value at the end. */
      readonly measure: 'increase' | 'value'
      readonly bound: Bound
      readonly hint?: string
    }
  | { readonly kind: 'flags'; readonly records: RecordFilter; readonly flag: string; readonly quantifier: 'some' | 'all' | 'none'; readonly hint?: string }
  | { readonly kind: 'endpoint'; readonly workload: string; readonly ready?: boolean; readonly ejected?: boolean; readonly by?: string; readonly hint?: string }

export type CheckKind = Check['kind']
