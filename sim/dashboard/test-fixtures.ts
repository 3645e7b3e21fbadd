/**
 * Test fixtures for the dashboard (used by its unit tests and the terminal tests): stats in the
 * shape MeshStats produces, Bookinfo's workloads, a complete fake view model and a fake lesson.
 */
import type { EdgeStats, StatsSnapshot, WorkloadStats } from '../../mesh/telemetry/stats.ts'
import type { LessonController, LessonState } from '../workshop/lesson-contract.ts'
import type { DashboardView } from './view-types.ts'
import type { WorkloadInfo } from './workload-rows.ts'

export const BOOKINFO: readonly WorkloadInfo[] = [
  { name: 'istio-ingressgateway', version: '-', meshed: '1/1' },
  { name: 'productpage-v1', version: 'v1', meshed: '1/1' },
  { name: 'details-v1', version: 'v1', meshed: '1/1' },
  { name: 'reviews-v1', version: 'v1', meshed: '1/1' },
  { name: 'reviews-v2', version: 'v2', meshed: '1/1' },
  { name: 'reviews-v3', version: 'v3', meshed: '1/1' },
  { name: 'ratings-v1', version: 'v1', meshed: '1/1' },
]

export function workloadStat(name: string, s: Partial<WorkloadStats> = {}): WorkloadStats {
  const [app = name, version = ''] = /^(.*)-(v\d+)$/.exec(name)?.slice(1) ?? []
  return { name, app, version, requests: 20, rps: 2, successRate: 1, p50Ms: 5, p95Ms: 20, p99Ms: 40, codes: { 200: 20 }, flags: { '-': 20 }, ...s }
}

export function edgeStat(source: string, destination: string, s: Partial<EdgeStats> & { mtls?: number } = {}): EdgeStats {
  const service = s.destinationService ?? destination.replace(/-v\d+$/, '')
  return {
    source,
    destination,
    destinationService: service,
    requests: 20,
    rps: 2,
    successRate: 1,
    p50Ms: 5,
    p95Ms: 20,
    p99Ms: 40,
    codes: { 200: 20 },
    flags: { '-': 20 },
    share: 1,
    actual: { rps: 2, successRate: 1, requests: 20 },
    mtls: 0, // the mTLS share, where the stats report one (added alongside mTLS)
    ...s,
  } as EdgeStats
}

export const snapshot = (workloads: readonly WorkloadStats[], edges: readonly EdgeStats[] = []): StatsSnapshot => ({ windowSeconds: 10, atEpochMs: 0, workloads, edges })

/** Bookinfo with the default round-robin over reviews (one third each) and everything healthy. */
export function bookinfoStats(): StatsSnapshot {
  return snapshot(
    BOOKINFO.map((w) => workloadStat(w.name)),
    [
      edgeStat('istio-ingressgateway', 'productpage-v1'),
      edgeStat('productpage-v1', 'details-v1'),
      ...['v1', 'v2', 'v3'].map((v) => edgeStat('productpage-v1', `reviews-${v}`, { requests: 10, rps: 1, share: 1 / 3 })),
      edgeStat('reviews-v2', 'ratings-v1', { requests: 10, rps: 1 }),
      edgeStat('reviews-v3', 'ratings-v1', { requests: 10, rps: 1 }),
    ],
  )
}

/** A complete view model, as the blessed tests draw it. */
export function fakeView(over: Partial<DashboardView> = {}): DashboardView {
  const row = (name: string, version: string, success: string, health: 'healthy' | 'degraded' | 'failing' | 'idle') => ({
    name, version, meshed: '1/1', success, rps: '2.0rps', p50: '5ms', p95: '20ms', p99: '40ms', health, rpsHistory: [1, 2, 3, 2], p99History: [40, 40, 60, 40],
  })
  return {
    header: { bookinfoUrl: 'http://127.0.0.1:9080/productpage', adminUrl: 'http://127.0.0.1:15000', toxiproxyUrl: 'http://127.0.0.1:8474', load: { rps: 2, user: 'mixed' }, seed: 7, time: '12:00:00', configVersion: 3 },
    workloads: [
      row('istio-ingressgateway', '-', '100.00%', 'healthy'),
      row('productpage-v1', 'v1', '100.00%', 'healthy'),
      row('details-v1', 'v1', '100.00%', 'healthy'),
      row('reviews-v1', 'v1', '100.00%', 'healthy'),
      row('reviews-v2', 'v2', '95.00%', 'degraded'),
      row('reviews-v3', 'v3', '100.00%', 'healthy'),
      row('ratings-v1', 'v1', '50.00%', 'failing'),
    ],
    graph: {
      mtls: 'none',
      rows: [
        { depth: 0, prefix: '', node: 'istio-ingressgateway', kind: 'root', rps: '', errors: '', share: '', health: 'idle', badges: [] },
        { depth: 1, prefix: '┗━▶ ', node: 'productpage-v1', kind: 'workload', rps: '2.0', errors: '0.0%', share: '', health: 'healthy', badges: [] },
        { depth: 2, prefix: '    ┣━▶ ', node: 'reviews-v2', kind: 'workload', rps: '0.7', errors: '0.0%', share: '33%', health: 'healthy', badges: [] },
        { depth: 3, prefix: '    ┃   ┗━▶ ', node: 'ratings-v1', kind: 'workload', rps: '0.7', errors: '50.0%', share: '', health: 'failing', badges: [{ code: 'FI', label: 'abort 500 50%', tone: 'fault' }] },
        { depth: 2, prefix: '    ┗━▶ ', node: 'reviews-v3', kind: 'workload', rps: '1.3', errors: '0.0%', share: '67%', health: 'healthy', badges: [{ code: 'TOX', label: 'latency 500ms ↓', tone: 'toxic' }] },
      ],
    },
    config: [
      { kind: 'VS', name: 'reviews', summary: 'jason→v2, *→v1' },
      { kind: 'DR', name: 'reviews', summary: 'v1 v2 v3' },
      { kind: 'toxic', name: 'ratings-v1', summary: 'latency 500ms ↓' },
    ],
    tap: {
      filter: '',
      lines: [
        { time: '12:00:00', source: 'reviews-v2', destination: 'ratings-v1', method: 'GET', path: '/ratings/0', status: 500, flags: 'FI', durationMs: 0, user: 'jason', mirrored: false, health: 'failing', text: '12:00:00 reviews-v2 → ratings-v1 GET /ratings/0 500 FI 0ms jason' },
        { time: '12:00:01', source: 'ingress', destination: 'productpage-v1', method: 'GET', path: '/productpage', status: 200, flags: '-', durationMs: 12, user: '', mirrored: false, health: 'healthy', text: '12:00:01 ingress → productpage-v1 GET /productpage 200 - 12ms' },
      ],
    },
    ...over,
  }
}

/** A LessonController whose state tests set directly; records which methods were called. */
export class FakeLesson implements LessonController {
  readonly calls: string[] = []
  private readonly listeners = new Set<() => void>()
  constructor(public current: LessonState) {}
  state(): LessonState {
    return this.current
  }
  onChange(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
  set(next: Partial<LessonState>): void {
    this.current = { ...this.current, ...next }
    for (const l of this.listeners) l()
  }
  async next(): Promise<void> {
    this.calls.push('next')
  }
  async check(): Promise<void> {
    this.calls.push('check')
  }
  hint(): void {
    this.calls.push('hint')
  }
  async solve(): Promise<void> {
    this.calls.push('solve')
  }
  async close(): Promise<void> {
    this.calls.push('close')
  }
  get listenerCount(): number {
    return this.listeners.size
  }
}

export const LESSON_STATE: LessonState = {
  scenario: { name: 'fault-injection', title: 'Injecting an HTTP delay fault' },
  stepIndex: 0,
  stepCount: 3,
  step: { title: 'Delay ratings by 7s for jason', text: '# Why\nproductpage gives reviews **3s** and tries twice.\n- apply the delay\n- log in as `jason`\n```\nkubectl apply -f x.yaml\n```' },
  hintsShown: ['Look at the reviews timeout'],
  hintsLeft: 1,
  lastCheck: {
    passed: false,
    results: [
      { description: 'jason sees the reviews error', passed: true, detail: '20/20 pages' },
      { description: 'p50 of productpage for jason', passed: false, detail: 'p50 was 1.02 s; expected between 5.5 s and 6.5 s' },
    ],
  },
  busy: 'sending 20 requests as jason…',
  lastApplied: 'apiVersion: networking.istio.io/v1\nkind: VirtualService',
  finished: false,
}
