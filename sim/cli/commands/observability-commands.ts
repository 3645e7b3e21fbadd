/** The observability commands, for `sim/cli/main.ts`'s command table and its help text. */
import type { CliIO } from '../io.ts'
import { edgesCommand, EDGES_HELP } from './edges.ts'
import { logsCommand, LOGS_HELP } from './logs.ts'
import { propagationCommand, PROPAGATION_HELP } from './propagation.ts'
import { statsCommand, STATS_HELP } from './stats.ts'
import { tracesCommand, TRACES_HELP } from './traces.ts'

/** A command as `sim/cli/main.ts`'s table holds it. */
export interface CliCommand {
  readonly name: string
  readonly run: (argv: string[], io: CliIO) => Promise<number>
  readonly help: string
  /** One line for `meshdojo --help`. */
  readonly summary: string
}

/** In the order `meshdojo --help` should list them. */
export const OBSERVABILITY_COMMANDS: readonly CliCommand[] = [
  { name: 'logs', run: logsCommand, help: LOGS_HELP, summary: "sidecars' access logs, Envoy/Istio format (-f to follow)" },
  { name: 'traces', run: tracesCommand, help: TRACES_HELP, summary: 'latest traces as trees, or --export FILE (OTLP, Jaeger, Zipkin)' },
  { name: 'stats', run: statsCommand, help: STATS_HELP, summary: "one sidecar's Envoy cluster counters and host health" },
  { name: 'edges', run: edgesCommand, help: EDGES_HELP, summary: 'effective vs actual success and RPS per edge (retries made visible)' },
  { name: 'propagation', run: propagationCommand, help: PROPAGATION_HELP, summary: "turn a workload's trace-header forwarding off/on (broken traces)" },
]
