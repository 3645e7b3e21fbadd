/** Messages between the harness and a system-under-test child over Node's IPC channel. */

/** Harness → child. `id` pairs a request with its reply. */
export interface Command {
  readonly id: number
  /** `stats`, `reset`, `gc`, `shutdown`, or a command the server defines (e.g. `load-on`). */
  readonly name: string
  readonly arg?: unknown
}

/** Child → harness: the reply to a command, or the `ready` announcement (id 0). */
export interface Reply {
  readonly id: number
  readonly ok: boolean
  readonly value?: unknown
  readonly error?: string
}

/** What a child says it listens on once it is up. */
export interface ReadyInfo {
  /** Named ports, e.g. `{ entry: 41234 }`; the harness aims its load at `entry`. */
  readonly ports: Record<string, number>
  /** Host header the load must send (a sidecar routes by it), if any. */
  readonly host?: string
  /** Anything else worth reporting (start time, counts). */
  readonly extra?: Record<string, unknown>
}

/** The answer to `stats`. */
export interface ChildStats {
  /** Event-loop delay since the last `reset`, in ms beyond the 10 ms sampling interval (perf_hooks.monitorEventLoopDelay). */
  readonly eventLoop: { readonly p50Ms: number; readonly p99Ms: number; readonly maxMs: number }
  readonly memory: NodeJS.MemoryUsage
  readonly extra?: Record<string, unknown>
}
